// The webhooks aggregate (webhook_store.h) on SQLite: the SQLite store's
// webhooks, events and delivery outbox, in the tables of schema version 3.
//
// Contract: WebhookStore's. Writes go through the store's group-commit
// writer (each in its own savepoint, so a failed one never spoils a batch)
// and answer after the batch's COMMIT; reads use the reader pool and answer
// before the call returns. Both must outlive this object.
//
// EXAMPLE:
//   SqliteWebhookStore webhooks(&readers, &writer);
//   webhooks.ListWebhooks("int_1", [](auto listed) { ... });
#ifndef INTEGRATOR_SERVER_STORE_SQLITE_WEBHOOK_STORE_H_
#define INTEGRATOR_SERVER_STORE_SQLITE_WEBHOOK_STORE_H_

#include <string>
#include <vector>

#include "server/store/group_commit_writer.h"
#include "server/store/sqlite_reader_pool.h"
#include "server/store/webhook_store.h"

namespace integrator {

class SqliteWebhookStore final : public WebhookStore {
 public:
  SqliteWebhookStore(SqliteReaderPool* readers, GroupCommitWriter* writer)
      : readers_(readers), writer_(writer) {}

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
  SqliteReaderPool* readers_;
  GroupCommitWriter* writer_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_SQLITE_WEBHOOK_STORE_H_
