// The webhooks aggregate (webhook_store.h) on PostgreSQL: the shared
// store's webhooks, events and delivery outbox, in the tables of schema
// version 3, shared by every replica.
//
// Contract: WebhookStore's. The asynchronous calls run as jobs of the pool
// (never on the caller's thread), each in one transaction; the delivery
// workers' calls borrow a connection and wait. Claims lock the rows they
// lease with FOR UPDATE SKIP LOCKED, so replicas share the due deliveries
// without taking the same one. The pool must outlive this object.
//
// EXAMPLE:
//   PostgresWebhookStore webhooks(&pool);
//   webhooks.PublishEvent(event, std::nullopt, [](auto published) { ... });
#ifndef INTEGRATOR_SERVER_STORE_POSTGRES_WEBHOOK_STORE_H_
#define INTEGRATOR_SERVER_STORE_POSTGRES_WEBHOOK_STORE_H_

#include <string>
#include <vector>

#include "server/store/postgres_pool.h"
#include "server/store/webhook_store.h"

namespace integrator {

class PostgresWebhookStore final : public WebhookStore {
 public:
  explicit PostgresWebhookStore(PgPool* pool) : pool_(pool) {}

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
  PgPool* pool_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_POSTGRES_WEBHOOK_STORE_H_
