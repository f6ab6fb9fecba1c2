// SqliteWebhookStore's delivery outbox: what the delivery workers call
// (claims, outcomes, leases) and housekeeping's pruning.
#include <vector>

#include "server/store/sqlite_webhook_rows.h"
#include "server/store/sqlite_webhook_store.h"  // the class these belong to

namespace integrator {

using sqlite_webhook::ForEachRow;
using sqlite_webhook::WriteAndWait;

absl::StatusOr<std::vector<ClaimedDelivery>>
SqliteWebhookStore::ClaimDueDeliveries(int64_t now_ms, int limit,
                                       int64_t lease_until_ms) {
  // Workers poll every second: a read answers "nothing due" without a turn
  // of the single writer, which secret updates share.
  absl::StatusOr<bool> due = readers_->QueryOne<bool>(
      "SELECT 1 FROM webhook_deliveries d JOIN webhooks w ON w.id=d.webhook_id"
      " WHERE d.status='pending' AND d.next_attempt_at_ms<=?1"
      " AND (d.leased_until_ms IS NULL OR d.leased_until_ms<=?1)"
      " AND w.disabled=0 LIMIT 1",
      [&](SqliteStatement& q) { q.BindInt64(1, now_ms); },
      [](SqliteStatement&) { return true; }, "nothing is due");
  if (absl::IsNotFound(due.status())) return std::vector<ClaimedDelivery>();
  if (!due.ok()) return due.status();
  return WriteAndWait<std::vector<ClaimedDelivery>>(
      *writer_,
      [&](SqliteConnection& db)
          -> absl::StatusOr<std::vector<ClaimedDelivery>> {
        std::vector<ClaimedDelivery> claimed;
        absl::Status s = ForEachRow(
            db,
            "SELECT d.id, d.webhook_id, w.integrator_id, w.url, e.type,"
            " e.body, d.attempts"
            " FROM webhook_deliveries d"
            " JOIN webhooks w ON w.id=d.webhook_id"
            " JOIN webhook_events e ON e.id=d.event_id"
            " WHERE d.status='pending' AND d.next_attempt_at_ms<=?1"
            "   AND (d.leased_until_ms IS NULL OR d.leased_until_ms<=?1)"
            "   AND w.disabled=0"
            " ORDER BY d.next_attempt_at_ms LIMIT ?2",
            [&](SqliteStatement& q) {
              q.BindInt64(1, now_ms).BindInt64(2, limit);
            },
            [&](SqliteStatement& row) {
              claimed.push_back(ClaimedDelivery{
                  row.ColumnText(0), row.ColumnText(1), row.ColumnText(2),
                  row.ColumnText(3), row.ColumnText(4), row.ColumnBlob(5),
                  static_cast<int32_t>(row.ColumnInt64(6)), lease_until_ms});
              return true;
            });
        if (!s.ok()) return s;
        for (const ClaimedDelivery& delivery : claimed) {
          absl::StatusOr<SqliteStatement> lease = db.Prepare(
              "UPDATE webhook_deliveries SET leased_until_ms=? WHERE id=?");
          if (!lease.ok()) return lease.status();
          s = lease->BindInt64(1, lease_until_ms)
                  .BindText(2, delivery.delivery_id)
                  .Run();
          if (!s.ok()) return s;
        }
        return claimed;
      });
}

absl::Status SqliteWebhookStore::RecordAttempt(const AttemptOutcome& outcome) {
  return WriteAndWait<bool>(
             *writer_,
             [&](SqliteConnection& db) -> absl::StatusOr<bool> {
               const char* status = outcome.succeeded ? "succeeded"
                                    : outcome.next_attempt_at_ms.has_value()
                                        ? "pending"
                                        : "failed";
               absl::StatusOr<SqliteStatement> update = db.Prepare(
                   "UPDATE webhook_deliveries SET attempts=attempts+1,"
                   " status=?, last_status_code=?, last_error=?,"
                   " next_attempt_at_ms=?, leased_until_ms=NULL"
                   " WHERE id=? AND status='pending' AND leased_until_ms=?"
                   " RETURNING webhook_id");
               if (!update.ok()) return update.status();
               update->BindText(1, status)
                   .BindInt64(2, outcome.status_code)
                   .BindText(3, outcome.succeeded ? "" : outcome.error)
                   .BindText(5, outcome.delivery_id)
                   .BindInt64(6, outcome.lease_until_ms);
               if (!outcome.succeeded && outcome.next_attempt_at_ms) {
                 update->BindInt64(4, *outcome.next_attempt_at_ms);
               } else {
                 update->BindNull(4);
               }
               absl::StatusOr<bool> row = update->Step();
               if (!row.ok()) return row.status();
               if (!*row) {
                 return absl::FailedPreconditionError(
                     "the delivery's lease was lost");
               }
               const std::string webhook_id = update->ColumnText(0);
               // Ends the RETURNING statement before the next one runs.
               while (true) {
                 absl::StatusOr<bool> more = update->Step();
                 if (!more.ok()) return more.status();
                 if (!*more) break;
               }
               absl::StatusOr<SqliteStatement> count = db.Prepare(
                   outcome.succeeded
                       ? "UPDATE webhooks SET failure_count=0 WHERE id=?2"
                       : "UPDATE webhooks SET failure_count=failure_count+1,"
                         " disabled=(disabled OR failure_count+1>=?1)"
                         " WHERE id=?2");
               if (!count.ok()) return count.status();
               if (!outcome.succeeded) {
                 count->BindInt64(1, outcome.disable_after);
               }
               absl::Status s = count->BindText(2, webhook_id).Run();
               if (!s.ok()) return s;
               return true;
             })
      .status();
}

absl::StatusOr<PruneCounts> SqliteWebhookStore::PruneFinished(
    int64_t finished_before_ms, int64_t keys_before_ms, int batch) {
  return WriteAndWait<PruneCounts>(
      *writer_, [&](SqliteConnection& db) -> absl::StatusOr<PruneCounts> {
        PruneCounts pruned;
        struct Step {
          const char* sql;
          int64_t before_ms;
          int* count;
        };
        const Step steps[] = {
            {"DELETE FROM webhook_deliveries WHERE rowid IN (SELECT rowid"
             " FROM webhook_deliveries WHERE status IN ('succeeded','failed')"
             " AND created_at_ms<?1 LIMIT ?2)",
             finished_before_ms, &pruned.deliveries},
            {"DELETE FROM webhook_events WHERE rowid IN (SELECT e.rowid"
             " FROM webhook_events e WHERE e.created_at_ms<?1 AND NOT EXISTS"
             " (SELECT 1 FROM webhook_deliveries d WHERE d.event_id=e.id)"
             " LIMIT ?2)",
             finished_before_ms, &pruned.events},
            {"DELETE FROM publish_keys WHERE rowid IN (SELECT rowid"
             " FROM publish_keys WHERE created_at_ms<?1 LIMIT ?2)",
             keys_before_ms, &pruned.idempotency_keys},
        };
        for (const Step& step : steps) {
          absl::StatusOr<SqliteStatement> prune = db.Prepare(step.sql);
          if (!prune.ok()) return prune.status();
          if (absl::Status s =
                  prune->BindInt64(1, step.before_ms).BindInt64(2, batch).Run();
              !s.ok()) {
            return s;
          }
          *step.count = sqlite3_changes(db.get());
        }
        return pruned;
      });
}

absl::Status SqliteWebhookStore::ReleaseLeases() {
  return writer_->SubmitAndWait([](SqliteConnection& db) {
    return db.Exec(
        "UPDATE webhook_deliveries SET leased_until_ms=NULL"
        " WHERE leased_until_ms IS NOT NULL");
  });
}

}  // namespace integrator
