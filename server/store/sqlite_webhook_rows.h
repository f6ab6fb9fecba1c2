// What the SQLite webhook store's two halves share (sqlite_webhook_store.cc:
// subscriptions, events and the delivery log; sqlite_delivery_outbox.cc:
// claims, outcomes and pruning): column lists, row readers, reads inside
// the writer's transaction, and the two ways of going through the writer.
// Internal to server/store/.
//
// Contract: readers take rows of the matching SELECTs; Find* are NotFound
// ("webhook not found", "delivery not found") when nothing matches, a
// webhook of another integrator included. SubmitWrite answers after the
// batch's COMMIT; WriteAndWait blocks until then.
//
// EXAMPLE:
//   absl::StatusOr<Webhook> owned = FindOwned(db, "int_1", "wh_1");
#ifndef INTEGRATOR_SERVER_STORE_SQLITE_WEBHOOK_ROWS_H_
#define INTEGRATOR_SERVER_STORE_SQLITE_WEBHOOK_ROWS_H_

#include <memory>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/store/group_commit_writer.h"
#include "server/store/sqlite_connection.h"
#include "server/store/webhook_store.h"

namespace integrator::sqlite_webhook {

inline constexpr absl::string_view kWebhookColumns =
    "id, integrator_id, url, events, failure_count, disabled, created_at_ms";

// A delivery as listings show it: ReadDelivery reads these columns.
inline constexpr absl::string_view kDeliverySelect =
    "SELECT d.id, d.webhook_id, d.event_id, e.type, d.status, d.attempts,"
    " d.last_status_code, d.last_error, d.next_attempt_at_ms, d.created_at_ms"
    " FROM webhook_deliveries d JOIN webhook_events e ON e.id=d.event_id";

Webhook ReadWebhook(SqliteStatement& row);
WebhookDeliveryRecord ReadDelivery(SqliteStatement& row);

// Runs `sql` on the writer's connection and hands each row to `row` until
// it returns false.
absl::Status ForEachRow(SqliteConnection& db, absl::string_view sql,
                        absl::FunctionRef<void(SqliteStatement&)> bind,
                        absl::FunctionRef<bool(SqliteStatement&)> row);

// The integrator's webhook, read inside a write.
absl::StatusOr<Webhook> FindOwned(SqliteConnection& db,
                                  absl::string_view integrator_id,
                                  absl::string_view webhook_id);

// The webhook's delivery, read inside a write.
absl::StatusOr<WebhookDeliveryRecord> FindDelivery(
    SqliteConnection& db, absl::string_view webhook_id,
    absl::string_view delivery_id);

// Queues `body` as one write of its own savepoint and answers with what it
// produced once the batch committed (or with why it did not).
template <typename T>
void SubmitWrite(GroupCommitWriter& writer,
                 absl::AnyInvocable<absl::StatusOr<T>(SqliteConnection&)> body,
                 ResultFn<T> done) {
  auto result = std::make_shared<absl::StatusOr<T>>(
      absl::UnknownError("the write did not run"));
  writer.Submit(
      [body = std::move(body), result](SqliteConnection& db) mutable {
        *result = body(db);
        return result->status();
      },
      [result, done = std::move(done)](absl::Status committed) mutable {
        if (!committed.ok()) return done(std::move(committed));
        done(std::move(*result));
      },
      GroupCommitWriter::WriteKind::kGeneral);
}

// The same, waiting for the commit: for the delivery workers' own threads.
template <typename T>
absl::StatusOr<T> WriteAndWait(
    GroupCommitWriter& writer,
    absl::AnyInvocable<absl::StatusOr<T>(SqliteConnection&)> body) {
  absl::StatusOr<T> result = absl::UnknownError("the write did not run");
  absl::Status committed =
      writer.SubmitAndWait([&](SqliteConnection& db) -> absl::Status {
        result = body(db);
        return result.status();
      });
  if (!committed.ok()) return committed;
  return result;
}

}  // namespace integrator::sqlite_webhook

#endif  // INTEGRATOR_SERVER_STORE_SQLITE_WEBHOOK_ROWS_H_
