// The workers that deliver webhooks from the store's outbox (DESIGN.md,
// "Delivery is a transactional outbox").
//
// Contract:
// - One claimer thread leases due deliveries from the store (as many as
//   there are idle workers), and `workers` threads send them, each with its
//   own libcurl handle: a slow or hanging receiver holds one worker for at
//   most `timeout`, never the others. The claimer is woken by Wake() (a
//   publish in this process) and otherwise polls every `poll_interval`, so
//   events written by integrator-admin or another replica are found too.
// - Every attempt checks the URL and the SSRF guard again (a refusal is a
//   failed attempt with that reason), signs the exact stored body with the
//   integrator's secret current at the attempt (no secret: no Signature;
//   a secret the store cannot read now leaves the delivery due for later,
//   neither sent unsigned nor counted against the receiver), sends
//   Content-Type, Signature, Webhook-Id (the delivery id), Webhook-Event and a
//   User-Agent, and records the outcome: a 2xx succeeds; anything else is
//   retried per the schedule, then failed; the webhook's failure count and
//   disabling follow `disable_after`.
// - Delivery is at least once: a crash between sending and recording
//   repeats the attempt (same Webhook-Id) once the lease (timeout + 30 s)
//   ends, or at the next start when `release_leases_at_start` (a store
//   served by this process alone).
// - Every `housekeeping_interval` a housekeeping thread erases previous
//   secrets whose overlap window closed and prunes finished deliveries
//   older than `delivery_retention`, in batches of kPruneBatch (one short
//   transaction each), logging the counts and the store's size.
// - Shutdown() stops claiming, lets attempts in flight finish within
//   `drain`, cuts the rest short without recording them (a shutdown is no
//   fault of the receiver), and leaves every unsent delivery pending.
// The stores and the sealer must outlive the engine.
//
// EXAMPLE:
//   DeliveryEngine engine(&store->webhooks(), store.get(), &sealer, options);
//   engine.Start();
//   ...
//   engine.Shutdown(absl::Seconds(10));
#ifndef INTEGRATOR_SERVER_WEBHOOK_DELIVERY_ENGINE_H_
#define INTEGRATOR_SERVER_WEBHOOK_DELIVERY_ENGINE_H_

#include <atomic>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/sealing/secret_sealer.h"
#include "server/store/webhook_secret_store.h"
#include "server/store/webhook_store.h"
#include "server/webhook/retry_schedule.h"
#include "server/webhook/target_guard.h"
#include "server/webhook/webhook_sender.h"

namespace integrator::webhook {

struct DeliveryOptions {
  absl::Duration timeout = absl::Seconds(10);
  RetrySchedule schedule = *RetrySchedule::Parse(kDefaultRetrySchedule);
  int disable_after = 50;
  int workers = 16;
  absl::Duration poll_interval = absl::Seconds(1);
  bool allow_http = false;
  bool allow_private_targets = false;
  // Resolves webhook hosts; null means the system's resolver.
  const HostResolver* resolver = nullptr;
  bool release_leases_at_start = false;
  // How often expired previous secrets are erased and finished deliveries
  // older than `delivery_retention` pruned (with events no delivery needs
  // and idempotency keys past their day).
  absl::Duration housekeeping_interval = absl::Minutes(1);
  absl::Duration delivery_retention = absl::Hours(24 * 30);
  // The store's size on disk, reported with what was pruned; may be null.
  std::function<absl::StatusOr<int64_t>()> store_size;
};

class DeliveryEngine {
 public:
  DeliveryEngine(WebhookStore* webhooks, WebhookSecretStore* secrets,
                 const SecretSealer* sealer, DeliveryOptions options);
  DeliveryEngine(const DeliveryEngine&) = delete;
  DeliveryEngine& operator=(const DeliveryEngine&) = delete;
  ~DeliveryEngine();

  absl::Status Start();
  void Wake();
  void Shutdown(absl::Duration drain);

 private:
  void Claim();
  void Work();
  void Housekeep();
  void HousekeepOnce();
  void Deliver(WebhookSender& sender, const ClaimedDelivery& delivery);
  // The headers of one attempt, Signature included when a secret is set;
  // an error when the secret exists but cannot be read.
  absl::StatusOr<HeaderList> Headers(const ClaimedDelivery& delivery) const;
  SendResult Attempt(WebhookSender& sender, const ClaimedDelivery& delivery);

  WebhookStore* webhooks_;
  WebhookSecretStore* secrets_;
  const SecretSealer* sealer_;
  const DeliveryOptions options_;
  SystemResolver system_resolver_;
  const HostResolver* resolver_;

  absl::Mutex mu_;
  std::deque<ClaimedDelivery> queue_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Set past the drain time: attempts still running are cut short.
  std::atomic<bool> abort_{false};
  std::thread claimer_;
  std::thread housekeeper_;
  std::vector<std::thread> workers_;
};

}  // namespace integrator::webhook

#endif  // INTEGRATOR_SERVER_WEBHOOK_DELIVERY_ENGINE_H_
