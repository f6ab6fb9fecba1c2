#include "server/webhook/delivery_engine.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "proto/rpc/log_line.h"
#include "proto/rpc/metrics.h"
#include "server/crypto/random.h"
#include "server/crypto/secret_string.h"
#include "server/webhook/webhook_signature.h"
#include "server/webhook/webhook_url.h"

namespace integrator::webhook {
namespace {

// Attempts by outcome (succeeded, retry, failed, abandoned) and their time,
// in the process registry; labels carry no webhook or delivery id.
void RecordAttemptMetrics(absl::string_view outcome, absl::Duration took) {
  static rpc::Family<rpc::Counter>& attempts = rpc::Metrics().AddCounter(
      "integrator_webhook_delivery_attempts_total",
      "Webhook delivery attempts, by outcome.", {"outcome"});
  static rpc::Histogram& seconds =
      rpc::Metrics()
          .AddHistogram("integrator_webhook_delivery_attempt_seconds",
                        "Time of one webhook delivery attempt.", {},
                        rpc::LatencyBuckets())
          .WithLabels({});
  attempts.WithLabels({outcome}).Increment();
  seconds.Observe(absl::ToDoubleSeconds(took));
}

// Past the attempt's own timeout, so a lease never ends while its attempt
// may still be sending.
constexpr absl::Duration kLeaseMargin = absl::Seconds(30);
// Rows pruned per transaction: short enough that writers never wait long.
constexpr int kPruneBatch = 500;

int64_t Millis(absl::Time t) { return absl::ToUnixMillis(t); }

}  // namespace

DeliveryEngine::DeliveryEngine(WebhookStore* webhooks,
                               WebhookSecretStore* secrets,
                               const SecretSealer* sealer,
                               DeliveryOptions options)
    : webhooks_(webhooks),
      secrets_(secrets),
      sealer_(sealer),
      options_(std::move(options)),
      resolver_(options_.resolver != nullptr ? options_.resolver
                                             : &system_resolver_) {}

DeliveryEngine::~DeliveryEngine() { Shutdown(absl::ZeroDuration()); }

absl::Status DeliveryEngine::Start() {
  if (options_.release_leases_at_start) {
    // Only this process serves the store: whatever a crashed predecessor
    // held is due again now, not after its lease.
    if (absl::Status s = webhooks_->ReleaseLeases(); !s.ok()) return s;
  }
  claimer_ = std::thread([this] { Claim(); });
  housekeeper_ = std::thread([this] { Housekeep(); });
  for (int i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this] { Work(); });
  }
  return absl::OkStatus();
}

void DeliveryEngine::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void DeliveryEngine::Shutdown(absl::Duration drain) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && !claimer_.joinable() && workers_.empty()) return;
    stopping_ = true;
    // Claimed but not started: left pending; their leases end by
    // themselves (or at the next start).
    queue_.clear();
    auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return in_flight_ == 0;
    };
    mu_.AwaitWithTimeout(absl::Condition(&idle), drain);
  }
  abort_ = true;
  if (claimer_.joinable()) claimer_.join();
  if (housekeeper_.joinable()) housekeeper_.join();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

void DeliveryEngine::Claim() {
  for (;;) {
    int capacity = 0;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ ||
               in_flight_ + static_cast<int>(queue_.size()) < options_.workers;
      };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      capacity =
          options_.workers - in_flight_ - static_cast<int>(queue_.size());
      woken_ = false;
    }
    const absl::Time now = absl::Now();
    absl::StatusOr<std::vector<ClaimedDelivery>> claimed =
        webhooks_->ClaimDueDeliveries(
            Millis(now), capacity,
            Millis(now + options_.timeout + kLeaseMargin));
    if (!claimed.ok()) {
      rpc::LogLine()
          .Text("face", "webhook")
          .Quoted("claim_error", claimed.status().ToString())
          .Write();
    }
    absl::MutexLock lock(&mu_);
    if (claimed.ok()) {
      for (ClaimedDelivery& delivery : *claimed) {
        queue_.push_back(std::move(delivery));
      }
    }
    // Everything due is taken: sleep until woken or the next poll.
    if (!claimed.ok() || static_cast<int>(claimed->size()) < capacity) {
      auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || woken_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&wake), options_.poll_interval);
    }
  }
}

void DeliveryEngine::Housekeep() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_;
      };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping),
                               options_.housekeeping_interval)) {
        return;
      }
    }
    HousekeepOnce();
  }
}

void DeliveryEngine::HousekeepOnce() {
  const absl::Time now = absl::Now();
  absl::StatusOr<int> erased =
      secrets_->EraseExpiredPreviousSecrets(Millis(now));
  PruneCounts total;
  absl::Status pruning;
  for (;;) {
    absl::StatusOr<PruneCounts> pruned = webhooks_->PruneFinished(
        Millis(now - options_.delivery_retention),
        Millis(now) - kIdempotencyWindowMs, kPruneBatch);
    if (!pruned.ok()) {
      pruning = pruned.status();
      break;
    }
    total.deliveries += pruned->deliveries;
    total.events += pruned->events;
    total.idempotency_keys += pruned->idempotency_keys;
    if (pruned->deliveries < kPruneBatch && pruned->events < kPruneBatch &&
        pruned->idempotency_keys < kPruneBatch) {
      break;
    }
    if (abort_.load()) return;
  }
  const bool changed = (erased.ok() && *erased > 0) || total.deliveries > 0 ||
                       total.events > 0 || total.idempotency_keys > 0;
  if (!changed && erased.ok() && pruning.ok()) return;
  rpc::LogLine line;
  line.Text("face", "housekeeping");
  if (erased.ok()) {
    line.Number("erased_previous_secrets", *erased);
  } else {
    line.Quoted("erase_error", erased.status().ToString());
  }
  line.Number("pruned_deliveries", total.deliveries)
      .Number("pruned_events", total.events)
      .Number("pruned_idempotency_keys", total.idempotency_keys);
  if (options_.store_size) {
    absl::StatusOr<int64_t> bytes = options_.store_size();
    if (bytes.ok()) line.Number("store_bytes", *bytes);
  }
  if (!pruning.ok()) line.Quoted("prune_error", pruning.ToString());
  line.Write();
}

void DeliveryEngine::Work() {
  WebhookSender sender;
  for (;;) {
    ClaimedDelivery delivery;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !queue_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      delivery = std::move(queue_.front());
      queue_.pop_front();
      ++in_flight_;
    }
    Deliver(sender, delivery);
    absl::MutexLock lock(&mu_);
    --in_flight_;
  }
}

absl::StatusOr<HeaderList> DeliveryEngine::Headers(
    const ClaimedDelivery& delivery) const {
  // Webhook-Id is also Standard Webhooks' webhook-id (header names are
  // case-insensitive): the delivery id, stable across attempts.
  HeaderList headers = {{"Content-Type", "application/json"},
                        {"Webhook-Id", delivery.delivery_id},
                        {"Webhook-Event", delivery.event_type}};
  const absl::Time now = absl::Now();
  absl::StatusOr<WebhookSecrets> sealed =
      secrets_->GetWebhookSecrets(delivery.integrator_id, Millis(now));
  if (absl::IsNotFound(sealed.status())) return headers;  // nothing signed
  if (!sealed.ok()) {
    return absl::UnavailableError("the webhook secret could not be read");
  }
  // Newest first: the contract's Signature is the current secret's alone;
  // Standard Webhooks gets an entry per live secret.
  std::vector<const SealedSecret*> live = {&sealed->current};
  if (sealed->previous.has_value()) live.push_back(&*sealed->previous);
  const int64_t timestamp = absl::ToUnixSeconds(now);
  std::string standard;
  for (const SealedSecret* one : live) {
    absl::StatusOr<std::string> opened = sealer_->Open(
        SealPurpose::kWebhookSecret, delivery.integrator_id, *one);
    // The previous secret is a courtesy: one that cannot be opened is left
    // out rather than holding the delivery back.
    if (!opened.ok() && one != &sealed->current) continue;
    if (!opened.ok()) {
      return absl::InternalError("the webhook secret could not be opened");
    }
    const crypto::SecretString secret(*opened);
    crypto::Wipe(*opened);
    if (one == &sealed->current) {
      headers.emplace_back(std::string(kSignatureHeader),
                           WebhookSignature(secret.view(), delivery.body));
    }
    absl::StrAppend(
        &standard, standard.empty() ? "" : " ",
        StandardWebhookSignature(secret.view(), delivery.delivery_id, timestamp,
                                 delivery.body));
  }
  headers.emplace_back(std::string(kStandardTimestampHeader),
                       absl::StrCat(timestamp));
  headers.emplace_back(std::string(kStandardSignatureHeader),
                       std::move(standard));
  return headers;
}

SendResult DeliveryEngine::Attempt(WebhookSender& sender,
                                   const ClaimedDelivery& delivery) {
  // The guard again at every attempt: DNS may point elsewhere by now.
  absl::StatusOr<WebhookUrl> url =
      ParseWebhookUrl(delivery.url, options_.allow_http);
  if (!url.ok()) return {0, std::string(url.status().message())};
  absl::StatusOr<PinnedTarget> target =
      CheckWebhookTarget(*url, *resolver_, options_.allow_private_targets);
  if (!target.ok()) return {0, std::string(target.status().message())};
  absl::StatusOr<HeaderList> headers = Headers(delivery);
  if (!headers.ok()) {
    // Our own store failing says nothing about the receiver: not sent, not
    // counted against it.
    return {0, std::string(headers.status().message()),
            absl::IsUnavailable(headers.status())};
  }
  return sender.Send(*target, delivery.body, *headers, options_.timeout,
                     &abort_);
}

void DeliveryEngine::Deliver(WebhookSender& sender,
                             const ClaimedDelivery& delivery) {
  const absl::Time start = absl::Now();
  const SendResult result = Attempt(sender, delivery);
  const int attempt = delivery.attempts + 1;
  if (result.aborted) {
    // A shutdown or our own store is no fault of the receiver: nothing is
    // recorded, and the lease ends (or is released at the next start) with
    // the delivery due.
    rpc::LogLine()
        .Text("face", "webhook")
        .Text("delivery_id", delivery.delivery_id)
        .Text("webhook_id", delivery.webhook_id)
        .Number("attempt", attempt)
        .Text("outcome", "abandoned")
        .Quoted("error", result.error)
        .Write();
    RecordAttemptMetrics("abandoned", absl::Now() - start);
    return;
  }
  AttemptOutcome outcome;
  outcome.delivery_id = delivery.delivery_id;
  outcome.lease_until_ms = delivery.lease_until_ms;
  outcome.succeeded = result.succeeded();
  outcome.status_code = result.status_code;
  outcome.error = result.error;
  outcome.disable_after = options_.disable_after;
  if (!outcome.succeeded) {
    if (std::optional<absl::Time> next =
            options_.schedule.NextAttempt(attempt, absl::Now())) {
      outcome.next_attempt_at_ms = Millis(*next);
    }
  }
  // A failure to record leaves the lease to end: the attempt is repeated.
  const absl::Status recorded = webhooks_->RecordAttempt(outcome);
  const absl::string_view outcome_name =
      outcome.succeeded                        ? "succeeded"
      : outcome.next_attempt_at_ms.has_value() ? "retry"
                                               : "failed";
  const absl::Duration took = absl::Now() - start;
  RecordAttemptMetrics(outcome_name, took);
  rpc::LogLine line;
  line.Text("face", "webhook")
      .Text("delivery_id", delivery.delivery_id)
      .Text("webhook_id", delivery.webhook_id)
      .Number("attempt", attempt)
      .Number("status_code", result.status_code)
      .Text("outcome", outcome_name)
      .Number("duration_ms", absl::ToInt64Milliseconds(took));
  if (!result.error.empty()) line.Quoted("error", result.error);
  if (!recorded.ok()) line.Quoted("record_error", recorded.ToString());
  line.Write();
}

}  // namespace integrator::webhook
