#include "server/store/memory_webhook_store.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"

namespace integrator {
namespace {

absl::Status WebhookNotFound() {
  return absl::NotFoundError("webhook not found");
}

bool Subscribes(const Webhook& webhook, absl::string_view type) {
  return std::find(webhook.events.begin(), webhook.events.end(), type) !=
         webhook.events.end();
}

// Newest first: created_at_ms, then id, both descending.
bool NewerThan(const WebhookDeliveryRecord& a, int64_t created_at_ms,
               absl::string_view id) {
  return a.created_at_ms != created_at_ms ? a.created_at_ms > created_at_ms
                                          : a.id > id;
}

}  // namespace

absl::StatusOr<Webhook*> MemoryWebhookStore::FindOwnedLocked(
    absl::string_view integrator_id, absl::string_view webhook_id) {
  auto it = webhooks_.find(webhook_id);
  if (it == webhooks_.end() || it->second.integrator_id != integrator_id) {
    return WebhookNotFound();
  }
  return &it->second;
}

void MemoryWebhookStore::CreateWebhook(Webhook webhook, int max_per_integrator,
                                       ResultFn<Webhook> done) {
  if (!integrator_exists_(webhook.integrator_id)) {
    return done(absl::NotFoundError("integrator not found"));
  }
  absl::StatusOr<Webhook> result;
  {
    absl::MutexLock lock(&mu_);
    const auto owned = std::count_if(
        webhooks_.begin(), webhooks_.end(), [&](const auto& entry) {
          return entry.second.integrator_id == webhook.integrator_id;
        });
    if (owned >= max_per_integrator) {
      result = absl::FailedPreconditionError(
          "the integrator has the most webhooks allowed");
    } else if (!webhooks_.emplace(webhook.id, webhook).second) {
      result = absl::AlreadyExistsError("webhook id already exists");
    } else {
      result = std::move(webhook);
    }
  }
  done(std::move(result));
}

void MemoryWebhookStore::ListWebhooks(std::string integrator_id,
                                      ResultFn<std::vector<Webhook>> done) {
  if (!integrator_exists_(integrator_id)) {
    return done(absl::NotFoundError("integrator not found"));
  }
  std::vector<Webhook> found;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, webhook] : webhooks_) {
      if (webhook.integrator_id == integrator_id) found.push_back(webhook);
    }
  }
  std::sort(found.begin(), found.end(), [](const Webhook& a, const Webhook& b) {
    return a.created_at_ms != b.created_at_ms
               ? a.created_at_ms < b.created_at_ms
               : a.id < b.id;
  });
  done(std::move(found));
}

void MemoryWebhookStore::DeleteWebhook(std::string integrator_id,
                                       std::string webhook_id, DoneFn done) {
  absl::Status result;
  {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<Webhook*> webhook =
        FindOwnedLocked(integrator_id, webhook_id);
    if (!webhook.ok()) {
      result = webhook.status();
    } else {
      webhooks_.erase(webhook_id);
      std::erase_if(deliveries_, [&](const auto& entry) {
        return entry.second.record.webhook_id == webhook_id;
      });
    }
  }
  done(std::move(result));
}

void MemoryWebhookStore::EnableWebhook(std::string integrator_id,
                                       std::string webhook_id,
                                       ResultFn<Webhook> done) {
  absl::StatusOr<Webhook> result;
  {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<Webhook*> webhook =
        FindOwnedLocked(integrator_id, webhook_id);
    if (webhook.ok()) {
      (*webhook)->disabled = false;
      (*webhook)->failure_count = 0;
      result = **webhook;
    } else {
      result = webhook.status();
    }
  }
  done(std::move(result));
}

void MemoryWebhookStore::ListDeliveries(
    std::string integrator_id, std::string webhook_id, int page_size,
    std::optional<DeliveryCursor> after,
    ResultFn<std::vector<WebhookDeliveryRecord>> done) {
  absl::StatusOr<std::vector<WebhookDeliveryRecord>> result;
  {
    absl::MutexLock lock(&mu_);
    if (absl::StatusOr<Webhook*> webhook =
            FindOwnedLocked(integrator_id, webhook_id);
        !webhook.ok()) {
      result = webhook.status();
    } else {
      std::vector<WebhookDeliveryRecord> page;
      for (const auto& [id, delivery] : deliveries_) {
        if (delivery.record.webhook_id != webhook_id) continue;
        if (after.has_value() &&
            NewerThan(delivery.record, after->created_at_ms, after->id)) {
          continue;
        }
        if (after.has_value() && delivery.record.id == after->id) continue;
        page.push_back(delivery.record);
      }
      std::sort(page.begin(), page.end(), [](const auto& a, const auto& b) {
        return NewerThan(a, b.created_at_ms, b.id);
      });
      if (page.size() > static_cast<size_t>(page_size)) page.resize(page_size);
      result = std::move(page);
    }
  }
  done(std::move(result));
}

void MemoryWebhookStore::PublishEvent(WebhookEvent event,
                                      std::optional<IdempotencyKey> idempotency,
                                      ResultFn<PublishedEvent> done) {
  if (!integrator_exists_(event.integrator_id)) {
    return done(absl::NotFoundError("integrator not found"));
  }
  PublishedEvent published{event.id, 0, false};
  {
    absl::MutexLock lock(&mu_);
    if (idempotency.has_value()) {
      const int64_t expired_before = event.created_at_ms - kIdempotencyWindowMs;
      auto kept =
          idempotency_keys_.find({event.integrator_id, idempotency->key});
      // A key past its day is free again (housekeeping prunes the rest).
      if (kept != idempotency_keys_.end() &&
          kept->second.created_at_ms >= expired_before) {
        if (kept->second.fingerprint != idempotency->fingerprint) {
          return done(absl::FailedPreconditionError(
              "the idempotency key was used for another request"));
        }
        PublishedEvent replay = kept->second.published;
        replay.replayed = true;
        return done(std::move(replay));
      }
    }
    for (const auto& [id, webhook] : webhooks_) {
      if (webhook.integrator_id != event.integrator_id || webhook.disabled ||
          !Subscribes(webhook, event.type)) {
        continue;
      }
      WebhookDeliveryRecord record;
      record.id = DeliveryId(event.id, id);
      record.webhook_id = id;
      record.event_id = event.id;
      record.event_type = event.type;
      record.next_attempt_at_ms = event.created_at_ms;
      record.created_at_ms = event.created_at_ms;
      std::string key = record.id;
      deliveries_.emplace(std::move(key), Delivery{std::move(record)});
      ++published.deliveries;
    }
    if (idempotency.has_value()) {
      idempotency_keys_[{event.integrator_id, idempotency->key}] = KeptKey{
          std::move(idempotency->fingerprint), published, event.created_at_ms};
    }
    events_.emplace(event.id, std::move(event));
  }
  done(std::move(published));
}

void MemoryWebhookStore::RetryDelivery(std::string integrator_id,
                                       std::string webhook_id,
                                       std::string delivery_id, int64_t now_ms,
                                       ResultFn<WebhookDeliveryRecord> done) {
  absl::StatusOr<WebhookDeliveryRecord> result;
  {
    absl::MutexLock lock(&mu_);
    auto it = deliveries_.find(delivery_id);
    if (absl::StatusOr<Webhook*> webhook =
            FindOwnedLocked(integrator_id, webhook_id);
        !webhook.ok()) {
      result = webhook.status();
    } else if ((*webhook)->disabled) {
      result = absl::FailedPreconditionError(
          "the webhook is disabled; enable it first");
    } else if (it == deliveries_.end() ||
               it->second.record.webhook_id != webhook_id) {
      result = absl::NotFoundError("delivery not found");
    } else if (it->second.record.status == DeliveryStatus::kPending) {
      result = absl::FailedPreconditionError("the delivery is still pending");
    } else {
      it->second.record.status = DeliveryStatus::kPending;
      it->second.record.next_attempt_at_ms = now_ms;
      it->second.leased_until_ms = 0;
      result = it->second.record;
    }
  }
  done(std::move(result));
}

void MemoryWebhookStore::PublishTestEvent(
    std::string webhook_id, WebhookEvent event,
    ResultFn<WebhookDeliveryRecord> done) {
  absl::StatusOr<WebhookDeliveryRecord> result;
  {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<Webhook*> webhook =
        FindOwnedLocked(event.integrator_id, webhook_id);
    if (!webhook.ok()) {
      result = webhook.status();
    } else if ((*webhook)->disabled) {
      result = absl::FailedPreconditionError(
          "the webhook is disabled; enable it first");
    } else {
      WebhookDeliveryRecord record;
      record.id = DeliveryId(event.id, webhook_id);
      record.webhook_id = webhook_id;
      record.event_id = event.id;
      record.event_type = event.type;
      record.next_attempt_at_ms = event.created_at_ms;
      record.created_at_ms = event.created_at_ms;
      result = record;
      std::string key = record.id;
      deliveries_.emplace(std::move(key), Delivery{std::move(record)});
      events_.emplace(event.id, std::move(event));
    }
  }
  done(std::move(result));
}

absl::StatusOr<std::vector<ClaimedDelivery>>
MemoryWebhookStore::ClaimDueDeliveries(int64_t now_ms, int limit,
                                       int64_t lease_until_ms) {
  absl::MutexLock lock(&mu_);
  std::vector<Delivery*> due;
  for (auto& [id, delivery] : deliveries_) {
    const WebhookDeliveryRecord& record = delivery.record;
    if (record.status != DeliveryStatus::kPending ||
        *record.next_attempt_at_ms > now_ms ||
        delivery.leased_until_ms > now_ms) {
      continue;
    }
    auto webhook = webhooks_.find(record.webhook_id);
    if (webhook == webhooks_.end() || webhook->second.disabled) continue;
    due.push_back(&delivery);
  }
  std::sort(due.begin(), due.end(), [](const Delivery* a, const Delivery* b) {
    return *a->record.next_attempt_at_ms < *b->record.next_attempt_at_ms;
  });
  if (due.size() > static_cast<size_t>(limit)) due.resize(limit);
  std::vector<ClaimedDelivery> claimed;
  for (Delivery* delivery : due) {
    delivery->leased_until_ms = lease_until_ms;
    const WebhookDeliveryRecord& record = delivery->record;
    const Webhook& webhook = webhooks_.at(record.webhook_id);
    claimed.push_back(ClaimedDelivery{
        record.id, record.webhook_id, webhook.integrator_id, webhook.url,
        record.event_type, events_.at(record.event_id).body, record.attempts,
        lease_until_ms});
  }
  return claimed;
}

absl::Status MemoryWebhookStore::RecordAttempt(const AttemptOutcome& outcome) {
  absl::MutexLock lock(&mu_);
  auto it = deliveries_.find(outcome.delivery_id);
  if (it == deliveries_.end()) return absl::NotFoundError("delivery not found");
  Delivery& delivery = it->second;
  if (delivery.record.status != DeliveryStatus::kPending ||
      delivery.leased_until_ms != outcome.lease_until_ms) {
    return absl::FailedPreconditionError("the delivery's lease was lost");
  }
  WebhookDeliveryRecord& record = delivery.record;
  delivery.leased_until_ms = 0;
  ++record.attempts;
  record.last_status_code = outcome.status_code;
  record.last_error = outcome.succeeded ? "" : outcome.error;
  auto webhook = webhooks_.find(record.webhook_id);
  if (outcome.succeeded) {
    record.status = DeliveryStatus::kSucceeded;
    record.next_attempt_at_ms.reset();
    if (webhook != webhooks_.end()) webhook->second.failure_count = 0;
    return absl::OkStatus();
  }
  record.next_attempt_at_ms = outcome.next_attempt_at_ms;
  record.status = outcome.next_attempt_at_ms.has_value()
                      ? DeliveryStatus::kPending
                      : DeliveryStatus::kFailed;
  if (webhook != webhooks_.end()) {
    Webhook& hook = webhook->second;
    ++hook.failure_count;
    if (hook.failure_count >= outcome.disable_after) hook.disabled = true;
  }
  return absl::OkStatus();
}

absl::StatusOr<PruneCounts> MemoryWebhookStore::PruneFinished(
    int64_t finished_before_ms, int64_t keys_before_ms, int batch) {
  absl::MutexLock lock(&mu_);
  PruneCounts pruned;
  for (auto it = deliveries_.begin();
       it != deliveries_.end() && pruned.deliveries < batch;) {
    const WebhookDeliveryRecord& record = it->second.record;
    if (record.status != DeliveryStatus::kPending &&
        record.created_at_ms < finished_before_ms) {
      it = deliveries_.erase(it);
      ++pruned.deliveries;
    } else {
      ++it;
    }
  }
  absl::flat_hash_set<std::string> needed;
  for (const auto& [id, delivery] : deliveries_) {
    needed.insert(delivery.record.event_id);
  }
  for (auto it = events_.begin();
       it != events_.end() && pruned.events < batch;) {
    if (it->second.created_at_ms < finished_before_ms &&
        !needed.contains(it->first)) {
      events_.erase(it++);
      ++pruned.events;
    } else {
      ++it;
    }
  }
  for (auto it = idempotency_keys_.begin();
       it != idempotency_keys_.end() && pruned.idempotency_keys < batch;) {
    if (it->second.created_at_ms < keys_before_ms) {
      it = idempotency_keys_.erase(it);
      ++pruned.idempotency_keys;
    } else {
      ++it;
    }
  }
  return pruned;
}

absl::Status MemoryWebhookStore::ReleaseLeases() {
  absl::MutexLock lock(&mu_);
  for (auto& [id, delivery] : deliveries_) delivery.leased_until_ms = 0;
  return absl::OkStatus();
}

}  // namespace integrator
