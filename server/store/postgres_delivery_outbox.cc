// PostgresWebhookStore's delivery outbox: what the delivery workers call
// (claims, outcomes, leases) and housekeeping's pruning.
#include <string>
#include <vector>

#include "server/store/postgres_transactions.h"
#include "server/store/postgres_webhook_store.h"  // the class these belong to

namespace integrator {

absl::StatusOr<std::vector<ClaimedDelivery>>
PostgresWebhookStore::ClaimDueDeliveries(int64_t now_ms, int limit,
                                         int64_t lease_until_ms) {
  return TransactAndWait<std::vector<ClaimedDelivery>>(
      *pool_,
      [&](PgConnection& db) -> absl::StatusOr<std::vector<ClaimedDelivery>> {
        absl::StatusOr<PgRows> rows = db.Exec(
            "WITH due AS ("
            "  SELECT d.id FROM webhook_deliveries d"
            "  JOIN webhooks w ON w.id=d.webhook_id"
            "  WHERE d.status='pending' AND d.next_attempt_at_ms <= $1"
            "    AND (d.leased_until_ms IS NULL OR d.leased_until_ms <= $1)"
            "    AND NOT w.disabled"
            "  ORDER BY d.next_attempt_at_ms LIMIT $2"
            "  FOR UPDATE OF d SKIP LOCKED)"
            " UPDATE webhook_deliveries d SET leased_until_ms=$3"
            " FROM due, webhooks w, webhook_events e"
            " WHERE d.id=due.id AND w.id=d.webhook_id AND e.id=d.event_id"
            " RETURNING d.id, d.webhook_id, w.integrator_id, w.url, e.type,"
            " e.body, d.attempts",
            {PgParam::Int(now_ms), PgParam::Int(limit),
             PgParam::Int(lease_until_ms)});
        if (!rows.ok()) return rows.status();
        std::vector<ClaimedDelivery> claimed;
        for (int i = 0; i < rows->size(); ++i) {
          claimed.push_back(ClaimedDelivery{
              rows->Text(i, 0), rows->Text(i, 1), rows->Text(i, 2),
              rows->Text(i, 3), rows->Text(i, 4), rows->Bytes(i, 5),
              static_cast<int32_t>(rows->Int(i, 6)), lease_until_ms});
        }
        return claimed;
      });
}

absl::Status PostgresWebhookStore::RecordAttempt(
    const AttemptOutcome& outcome) {
  return TransactAndWait<bool>(
             *pool_,
             [&](PgConnection& db) -> absl::StatusOr<bool> {
               const char* status = outcome.succeeded ? "succeeded"
                                    : outcome.next_attempt_at_ms.has_value()
                                        ? "pending"
                                        : "failed";
               const bool retry =
                   !outcome.succeeded && outcome.next_attempt_at_ms.has_value();
               // The webhook's row first, as DeleteWebhook locks it before
               // its deliveries: one lock order, no deadlock.
               absl::StatusOr<PgRows> webhook = db.Exec(
                   "SELECT w.id FROM webhooks w JOIN webhook_deliveries d"
                   " ON d.webhook_id=w.id WHERE d.id=$1"
                   " FOR NO KEY UPDATE OF w",
                   {PgParam::Text(outcome.delivery_id)});
               if (!webhook.ok()) return webhook.status();
               if (webhook->size() == 0) {
                 return absl::NotFoundError("delivery not found");
               }
               const std::string webhook_id = webhook->Text(0, 0);
               absl::StatusOr<PgRows> updated = db.Exec(
                   "UPDATE webhook_deliveries SET attempts=attempts+1,"
                   " status=$1, last_status_code=$2, last_error=$3,"
                   " next_attempt_at_ms=$4, leased_until_ms=NULL"
                   " WHERE id=$5 AND status='pending' AND leased_until_ms=$6",
                   {PgParam::Text(status), PgParam::Int(outcome.status_code),
                    PgParam::Text(outcome.succeeded ? "" : outcome.error),
                    retry ? PgParam::Int(*outcome.next_attempt_at_ms)
                          : PgParam::Null(),
                    PgParam::Text(outcome.delivery_id),
                    PgParam::Int(outcome.lease_until_ms)});
               if (!updated.ok()) return updated.status();
               if (updated->affected() == 0) {
                 return absl::FailedPreconditionError(
                     "the delivery's lease was lost");
               }
               absl::Status s =
                   outcome.succeeded
                       ? db.Run(
                             "UPDATE webhooks SET failure_count=0"
                             " WHERE id=$1",
                             {PgParam::Text(webhook_id)})
                       : db.Run(
                             "UPDATE webhooks SET"
                             " failure_count=failure_count+1,"
                             " disabled=(disabled OR"
                             " failure_count+1 >= $2::int)"
                             " WHERE id=$1",
                             {PgParam::Text(webhook_id),
                              PgParam::Int(outcome.disable_after)});
               if (!s.ok()) return s;
               return true;
             })
      .status();
}

absl::StatusOr<PruneCounts> PostgresWebhookStore::PruneFinished(
    int64_t finished_before_ms, int64_t keys_before_ms, int batch) {
  return TransactAndWait<PruneCounts>(
      *pool_, [&](PgConnection& db) -> absl::StatusOr<PruneCounts> {
        PruneCounts pruned;
        struct Step {
          const char* sql;
          int64_t before_ms;
          int* count;
        };
        // SKIP LOCKED: a row another transaction holds is left for the next
        // pass instead of waited for.
        const Step steps[] = {
            {"DELETE FROM webhook_deliveries WHERE id IN (SELECT id"
             " FROM webhook_deliveries WHERE status IN ('succeeded','failed')"
             " AND created_at_ms<$1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
             finished_before_ms, &pruned.deliveries},
            {"DELETE FROM webhook_events WHERE id IN (SELECT e.id"
             " FROM webhook_events e WHERE e.created_at_ms<$1 AND NOT EXISTS"
             " (SELECT 1 FROM webhook_deliveries d WHERE d.event_id=e.id)"
             " LIMIT $2 FOR UPDATE SKIP LOCKED)",
             finished_before_ms, &pruned.events},
            {"DELETE FROM publish_keys WHERE (integrator_id, key) IN (SELECT"
             " integrator_id, key FROM publish_keys WHERE created_at_ms<$1"
             " LIMIT $2 FOR UPDATE SKIP LOCKED)",
             keys_before_ms, &pruned.idempotency_keys},
        };
        for (const Step& step : steps) {
          absl::StatusOr<PgRows> rows = db.Exec(
              step.sql, {PgParam::Int(step.before_ms), PgParam::Int(batch)});
          if (!rows.ok()) return rows.status();
          *step.count = static_cast<int>(rows->affected());
        }
        return pruned;
      });
}

absl::Status PostgresWebhookStore::ReleaseLeases() {
  return TransactAndWait<bool>(*pool_,
                               [](PgConnection& db) -> absl::StatusOr<bool> {
                                 absl::Status s = db.Run(
                                     "UPDATE webhook_deliveries"
                                     " SET leased_until_ms=NULL"
                                     " WHERE leased_until_ms IS NOT NULL");
                                 if (!s.ok()) return s;
                                 return true;
                               })
      .status();
}

}  // namespace integrator
