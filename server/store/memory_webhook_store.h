// The webhooks aggregate (webhook_store.h) kept in this process's memory:
// the memory store's webhooks, events and deliveries.
//
// Contract: WebhookStore's, with every callback run before the call
// returns; nothing outlives the process. `integrator_exists` answers
// whether an integrator id is known; it is called without this object's
// lock held by anyone else's code, and must not call back into it.
//
// EXAMPLE:
//   MemoryWebhookStore webhooks([&](absl::string_view id) { return ...; });
//   webhooks.PublishEvent(event, std::nullopt, [](auto published) {});
#ifndef INTEGRATOR_SERVER_STORE_MEMORY_WEBHOOK_STORE_H_
#define INTEGRATOR_SERVER_STORE_MEMORY_WEBHOOK_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "server/store/webhook_store.h"

namespace integrator {

class MemoryWebhookStore final : public WebhookStore {
 public:
  explicit MemoryWebhookStore(
      std::function<bool(absl::string_view)> integrator_exists)
      : integrator_exists_(std::move(integrator_exists)) {}

  void CreateWebhook(Webhook webhook, int max_per_integrator,
                     ResultFn<Webhook> done) override;
  void ListWebhooks(std::string integrator_id,
                    ResultFn<std::vector<Webhook>> done) override;
  void DeleteWebhook(std::string integrator_id, std::string webhook_id,
                     DoneFn done) override;
  void EnableWebhook(std::string integrator_id, std::string webhook_id,
                     ResultFn<Webhook> done) override;
  void ListDeliveries(
      std::string integrator_id, std::string webhook_id, int page_size,
      std::optional<DeliveryCursor> after,
      ResultFn<std::vector<WebhookDeliveryRecord>> done) override;
  void PublishEvent(WebhookEvent event,
                    std::optional<IdempotencyKey> idempotency,
                    ResultFn<PublishedEvent> done) override;
  void RetryDelivery(std::string integrator_id, std::string webhook_id,
                     std::string delivery_id, int64_t now_ms,
                     ResultFn<WebhookDeliveryRecord> done) override;
  void PublishTestEvent(std::string webhook_id, WebhookEvent event,
                        ResultFn<WebhookDeliveryRecord> done) override;
  absl::StatusOr<std::vector<ClaimedDelivery>> ClaimDueDeliveries(
      int64_t now_ms, int limit, int64_t lease_until_ms) override;
  absl::Status RecordAttempt(const AttemptOutcome& outcome) override;
  absl::Status ReleaseLeases() override;
  absl::StatusOr<PruneCounts> PruneFinished(int64_t finished_before_ms,
                                            int64_t keys_before_ms,
                                            int batch) override;

 private:
  struct Delivery {
    WebhookDeliveryRecord record;
    int64_t leased_until_ms = 0;
  };

  absl::StatusOr<Webhook*> FindOwnedLocked(absl::string_view integrator_id,
                                           absl::string_view webhook_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::function<bool(absl::string_view)> integrator_exists_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Webhook> webhooks_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, WebhookEvent> events_ ABSL_GUARDED_BY(mu_);
  // Ordered by id; ids are random, so listings sort what they return.
  std::map<std::string, Delivery> deliveries_ ABSL_GUARDED_BY(mu_);
  struct KeptKey {
    std::string fingerprint;
    PublishedEvent published;
    int64_t created_at_ms = 0;
  };
  // By integrator id, then key.
  std::map<std::pair<std::string, std::string>, KeptKey> idempotency_keys_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_MEMORY_WEBHOOK_STORE_H_
