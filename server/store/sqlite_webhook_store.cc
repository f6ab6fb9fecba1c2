#include "server/store/sqlite_webhook_store.h"

#include <memory>
#include <utility>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace integrator {
namespace {

constexpr absl::string_view kWebhookColumns =
    "id, integrator_id, url, events, failure_count, disabled, created_at_ms";

Webhook ReadWebhook(SqliteStatement& row) {
  Webhook webhook;
  webhook.id = row.ColumnText(0);
  webhook.integrator_id = row.ColumnText(1);
  webhook.url = row.ColumnText(2);
  webhook.events = absl::StrSplit(row.ColumnText(3), ',', absl::SkipEmpty());
  webhook.failure_count = static_cast<int32_t>(row.ColumnInt64(4));
  webhook.disabled = row.ColumnInt64(5) != 0;
  webhook.created_at_ms = row.ColumnInt64(6);
  return webhook;
}

DeliveryStatus ParseStatus(absl::string_view status) {
  if (status == "succeeded") return DeliveryStatus::kSucceeded;
  if (status == "failed") return DeliveryStatus::kFailed;
  return DeliveryStatus::kPending;
}

// A delivery as listings show it: kDeliverySelect's columns.
constexpr absl::string_view kDeliverySelect =
    "SELECT d.id, d.webhook_id, d.event_id, e.type, d.status, d.attempts,"
    " d.last_status_code, d.last_error, d.next_attempt_at_ms, d.created_at_ms"
    " FROM webhook_deliveries d JOIN webhook_events e ON e.id=d.event_id";

WebhookDeliveryRecord ReadDelivery(SqliteStatement& row) {
  WebhookDeliveryRecord record;
  record.id = row.ColumnText(0);
  record.webhook_id = row.ColumnText(1);
  record.event_id = row.ColumnText(2);
  record.event_type = row.ColumnText(3);
  record.status = ParseStatus(row.ColumnText(4));
  record.attempts = static_cast<int32_t>(row.ColumnInt64(5));
  record.last_status_code = static_cast<int32_t>(row.ColumnInt64(6));
  record.last_error = row.ColumnText(7);
  if (!row.ColumnIsNull(8)) record.next_attempt_at_ms = row.ColumnInt64(8);
  record.created_at_ms = row.ColumnInt64(9);
  return record;
}

// Runs `sql` on the writer's connection and hands each row to `row` until
// it returns false.
absl::Status ForEachRow(SqliteConnection& db, absl::string_view sql,
                        absl::FunctionRef<void(SqliteStatement&)> bind,
                        absl::FunctionRef<bool(SqliteStatement&)> row) {
  absl::StatusOr<SqliteStatement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  bind(*stmt);
  for (;;) {
    absl::StatusOr<bool> more = stmt->Step();
    if (!more.ok()) return more.status();
    if (!*more || !row(*stmt)) return absl::OkStatus();
  }
}

// The integrator's webhook, read inside a write; NotFound when the id is
// unknown or another integrator's.
absl::StatusOr<Webhook> FindOwned(SqliteConnection& db,
                                  absl::string_view integrator_id,
                                  absl::string_view webhook_id) {
  std::optional<Webhook> found;
  absl::Status s = ForEachRow(
      db,
      absl::StrCat("SELECT ", kWebhookColumns,
                   " FROM webhooks WHERE id=? AND integrator_id=?"),
      [&](SqliteStatement& q) {
        q.BindText(1, webhook_id).BindText(2, integrator_id);
      },
      [&](SqliteStatement& row) {
        found = ReadWebhook(row);
        return false;
      });
  if (!s.ok()) return s;
  if (!found.has_value()) return absl::NotFoundError("webhook not found");
  return std::move(*found);
}

// The webhook's delivery, read inside a write; NotFound otherwise.
absl::StatusOr<WebhookDeliveryRecord> FindDelivery(
    SqliteConnection& db, absl::string_view webhook_id,
    absl::string_view delivery_id) {
  std::optional<WebhookDeliveryRecord> found;
  absl::Status s = ForEachRow(
      db, absl::StrCat(kDeliverySelect, " WHERE d.id=? AND d.webhook_id=?"),
      [&](SqliteStatement& q) {
        q.BindText(1, delivery_id).BindText(2, webhook_id);
      },
      [&](SqliteStatement& row) {
        found = ReadDelivery(row);
        return false;
      });
  if (!s.ok()) return s;
  if (!found.has_value()) return absl::NotFoundError("delivery not found");
  return std::move(*found);
}

// Drops the integrator's expired keys, then takes `key` for `event`, or
// finds what it was first used for: that call's answer to replay, or
// FailedPrecondition for another request.
absl::StatusOr<std::optional<PublishedEvent>> ClaimIdempotencyKey(
    SqliteConnection& db, const WebhookEvent& event,
    const IdempotencyKey& key) {
  absl::StatusOr<SqliteStatement> prune = db.Prepare(
      "DELETE FROM publish_keys WHERE integrator_id=? AND created_at_ms<?");
  if (!prune.ok()) return prune.status();
  if (absl::Status s =
          prune->BindText(1, event.integrator_id)
              .BindInt64(2, event.created_at_ms - kIdempotencyWindowMs)
              .Run();
      !s.ok()) {
    return s;
  }
  std::optional<PublishedEvent> replay;
  std::string fingerprint;
  absl::Status s = ForEachRow(
      db,
      "SELECT fingerprint, event_id, deliveries FROM publish_keys"
      " WHERE integrator_id=? AND key=?",
      [&](SqliteStatement& q) {
        q.BindText(1, event.integrator_id).BindText(2, key.key);
      },
      [&](SqliteStatement& row) {
        fingerprint = row.ColumnText(0);
        replay = PublishedEvent{row.ColumnText(1),
                                static_cast<int>(row.ColumnInt64(2)), true};
        return false;
      });
  if (!s.ok()) return s;
  if (replay.has_value()) {
    if (fingerprint != key.fingerprint) {
      return absl::FailedPreconditionError(
          "the idempotency key was used for another request");
    }
    return replay;
  }
  absl::StatusOr<SqliteStatement> keep = db.Prepare(
      "INSERT INTO publish_keys(integrator_id, key, fingerprint, event_id,"
      " deliveries, created_at_ms) VALUES(?,?,?,?,0,?)");
  if (!keep.ok()) return keep.status();
  s = keep->BindText(1, event.integrator_id)
          .BindText(2, key.key)
          .BindText(3, key.fingerprint)
          .BindText(4, event.id)
          .BindInt64(5, event.created_at_ms)
          .Run();
  if (!s.ok()) return s;
  return std::optional<PublishedEvent>();
}

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

}  // namespace

void SqliteWebhookStore::CreateWebhook(Webhook webhook, int max_per_integrator,
                                       ResultFn<Webhook> done) {
  SubmitWrite<Webhook>(
      *writer_,
      [webhook = std::move(webhook), max_per_integrator](
          SqliteConnection& db) mutable -> absl::StatusOr<Webhook> {
        bool known = false;
        int64_t owned = 0;
        absl::Status s = ForEachRow(
            db,
            "SELECT (SELECT COUNT(*) FROM webhooks WHERE integrator_id=?1)"
            " FROM integrators WHERE id=?1",
            [&](SqliteStatement& q) { q.BindText(1, webhook.integrator_id); },
            [&](SqliteStatement& row) {
              known = true;
              owned = row.ColumnInt64(0);
              return false;
            });
        if (!s.ok()) return s;
        if (!known) return absl::NotFoundError("integrator not found");
        if (owned >= max_per_integrator) {
          return absl::FailedPreconditionError(
              "the integrator has the most webhooks allowed");
        }
        absl::StatusOr<SqliteStatement> insert =
            db.Prepare(absl::StrCat("INSERT INTO webhooks(", kWebhookColumns,
                                    ") VALUES(?,?,?,?,?,?,?)"));
        if (!insert.ok()) return insert.status();
        s = insert->BindText(1, webhook.id)
                .BindText(2, webhook.integrator_id)
                .BindText(3, webhook.url)
                .BindText(4, absl::StrJoin(webhook.events, ","))
                .BindInt64(5, webhook.failure_count)
                .BindInt64(6, webhook.disabled ? 1 : 0)
                .BindInt64(7, webhook.created_at_ms)
                .Run();
        if (!s.ok()) return s;
        return std::move(webhook);
      },
      std::move(done));
}

void SqliteWebhookStore::ListWebhooks(std::string integrator_id,
                                      ResultFn<std::vector<Webhook>> done) {
  absl::StatusOr<bool> known = readers_->QueryOne<bool>(
      "SELECT 1 FROM integrators WHERE id=?",
      [&](SqliteStatement& q) { q.BindText(1, integrator_id); },
      [](SqliteStatement&) { return true; }, "integrator not found");
  if (!known.ok()) return done(known.status());
  done(readers_->QueryAll<Webhook>(
      absl::StrCat("SELECT ", kWebhookColumns,
                   " FROM webhooks WHERE integrator_id=?"
                   " ORDER BY created_at_ms, id"),
      [&](SqliteStatement& q) { q.BindText(1, integrator_id); }, ReadWebhook));
}

void SqliteWebhookStore::DeleteWebhook(std::string integrator_id,
                                       std::string webhook_id, DoneFn done) {
  SubmitWrite<bool>(
      *writer_,
      [integrator_id = std::move(integrator_id),
       webhook_id = std::move(webhook_id)](
          SqliteConnection& db) -> absl::StatusOr<bool> {
        absl::StatusOr<SqliteStatement> erase =
            db.Prepare("DELETE FROM webhooks WHERE id=? AND integrator_id=?");
        if (!erase.ok()) return erase.status();
        absl::Status s =
            erase->BindText(1, webhook_id).BindText(2, integrator_id).Run();
        if (!s.ok()) return s;
        if (sqlite3_changes(db.get()) == 0) {
          return absl::NotFoundError("webhook not found");
        }
        return true;
      },
      [done = std::move(done)](absl::StatusOr<bool> deleted) mutable {
        done(deleted.status());
      });
}

void SqliteWebhookStore::EnableWebhook(std::string integrator_id,
                                       std::string webhook_id,
                                       ResultFn<Webhook> done) {
  SubmitWrite<Webhook>(
      *writer_,
      [integrator_id = std::move(integrator_id),
       webhook_id = std::move(webhook_id)](
          SqliteConnection& db) -> absl::StatusOr<Webhook> {
        absl::StatusOr<Webhook> webhook =
            FindOwned(db, integrator_id, webhook_id);
        if (!webhook.ok()) return webhook.status();
        absl::StatusOr<SqliteStatement> update = db.Prepare(
            "UPDATE webhooks SET disabled=0, failure_count=0 WHERE id=?");
        if (!update.ok()) return update.status();
        if (absl::Status s = update->BindText(1, webhook_id).Run(); !s.ok()) {
          return s;
        }
        webhook->disabled = false;
        webhook->failure_count = 0;
        return webhook;
      },
      std::move(done));
}

void SqliteWebhookStore::ListDeliveries(
    std::string integrator_id, std::string webhook_id, int page_size,
    std::optional<DeliveryCursor> after,
    ResultFn<std::vector<WebhookDeliveryRecord>> done) {
  absl::StatusOr<std::string> owner = readers_->QueryOne<std::string>(
      "SELECT integrator_id FROM webhooks WHERE id=?",
      [&](SqliteStatement& q) { q.BindText(1, webhook_id); },
      [](SqliteStatement& row) { return row.ColumnText(0); },
      "webhook not found");
  if (!owner.ok()) return done(owner.status());
  if (*owner != integrator_id) {
    return done(absl::NotFoundError("webhook not found"));
  }
  done(readers_->QueryAll<WebhookDeliveryRecord>(
      absl::StrCat(kDeliverySelect,
                   " WHERE d.webhook_id=?1 AND (?2 = 0 OR d.created_at_ms < ?3"
                   "   OR (d.created_at_ms = ?3 AND d.id < ?4))"
                   " ORDER BY d.created_at_ms DESC, d.id DESC LIMIT ?5"),
      [&](SqliteStatement& q) {
        q.BindText(1, webhook_id)
            .BindInt64(2, after.has_value() ? 1 : 0)
            .BindInt64(3, after.has_value() ? after->created_at_ms : 0)
            .BindText(4, after.has_value() ? after->id : "")
            .BindInt64(5, page_size);
      },
      ReadDelivery));
}

void SqliteWebhookStore::RetryDelivery(std::string integrator_id,
                                       std::string webhook_id,
                                       std::string delivery_id, int64_t now_ms,
                                       ResultFn<WebhookDeliveryRecord> done) {
  SubmitWrite<WebhookDeliveryRecord>(
      *writer_,
      [integrator_id = std::move(integrator_id),
       webhook_id = std::move(webhook_id), delivery_id = std::move(delivery_id),
       now_ms](SqliteConnection& db) -> absl::StatusOr<WebhookDeliveryRecord> {
        if (absl::StatusOr<Webhook> webhook =
                FindOwned(db, integrator_id, webhook_id);
            !webhook.ok()) {
          return webhook.status();
        }
        absl::StatusOr<WebhookDeliveryRecord> delivery =
            FindDelivery(db, webhook_id, delivery_id);
        if (!delivery.ok()) return delivery.status();
        if (delivery->status == DeliveryStatus::kPending) {
          return absl::FailedPreconditionError("the delivery is still pending");
        }
        absl::StatusOr<SqliteStatement> due = db.Prepare(
            "UPDATE webhook_deliveries SET status='pending',"
            " next_attempt_at_ms=?, leased_until_ms=NULL WHERE id=?");
        if (!due.ok()) return due.status();
        if (absl::Status s =
                due->BindInt64(1, now_ms).BindText(2, delivery_id).Run();
            !s.ok()) {
          return s;
        }
        delivery->status = DeliveryStatus::kPending;
        delivery->next_attempt_at_ms = now_ms;
        return delivery;
      },
      std::move(done));
}

void SqliteWebhookStore::PublishTestEvent(
    std::string webhook_id, WebhookEvent event,
    ResultFn<WebhookDeliveryRecord> done) {
  SubmitWrite<WebhookDeliveryRecord>(
      *writer_,
      [webhook_id = std::move(webhook_id), event = std::move(event)](
          SqliteConnection& db) -> absl::StatusOr<WebhookDeliveryRecord> {
        absl::StatusOr<Webhook> webhook =
            FindOwned(db, event.integrator_id, webhook_id);
        if (!webhook.ok()) return webhook.status();
        if (webhook->disabled) {
          return absl::FailedPreconditionError(
              "the webhook is disabled; enable it first");
        }
        absl::StatusOr<SqliteStatement> insert = db.Prepare(
            "INSERT INTO webhook_events(id, integrator_id, type, body,"
            " created_at_ms) VALUES(?,?,?,?,?)");
        if (!insert.ok()) return insert.status();
        absl::Status s = insert->BindText(1, event.id)
                             .BindText(2, event.integrator_id)
                             .BindText(3, event.type)
                             .BindBlob(4, event.body)
                             .BindInt64(5, event.created_at_ms)
                             .Run();
        if (!s.ok()) return s;
        const std::string delivery_id = DeliveryId(event.id, webhook_id);
        absl::StatusOr<SqliteStatement> delivery = db.Prepare(
            "INSERT INTO webhook_deliveries(id, webhook_id, event_id,"
            " status, next_attempt_at_ms, created_at_ms)"
            " VALUES(?,?,?,'pending',?,?)");
        if (!delivery.ok()) return delivery.status();
        s = delivery->BindText(1, delivery_id)
                .BindText(2, webhook_id)
                .BindText(3, event.id)
                .BindInt64(4, event.created_at_ms)
                .BindInt64(5, event.created_at_ms)
                .Run();
        if (!s.ok()) return s;
        return FindDelivery(db, webhook_id, delivery_id);
      },
      std::move(done));
}

void SqliteWebhookStore::PublishEvent(WebhookEvent event,
                                      std::optional<IdempotencyKey> idempotency,
                                      ResultFn<PublishedEvent> done) {
  SubmitWrite<PublishedEvent>(
      *writer_,
      [event = std::move(event), idempotency = std::move(idempotency)](
          SqliteConnection& db) -> absl::StatusOr<PublishedEvent> {
        if (idempotency.has_value()) {
          absl::StatusOr<std::optional<PublishedEvent>> kept =
              ClaimIdempotencyKey(db, event, *idempotency);
          if (!kept.ok()) return kept.status();
          if (kept->has_value()) return **kept;
        }
        absl::StatusOr<SqliteStatement> insert = db.Prepare(
            "INSERT INTO webhook_events(id, integrator_id, type, body,"
            " created_at_ms) VALUES(?,?,?,?,?)");
        if (!insert.ok()) return insert.status();
        absl::Status s = insert->BindText(1, event.id)
                             .BindText(2, event.integrator_id)
                             .BindText(3, event.type)
                             .BindBlob(4, event.body)
                             .BindInt64(5, event.created_at_ms)
                             .Run();
        if (absl::IsFailedPrecondition(s) || absl::IsNotFound(s)) {
          return absl::NotFoundError("integrator not found");
        }
        if (!s.ok()) return s;
        std::vector<std::string> subscribed;
        s = ForEachRow(
            db,
            "SELECT id, events FROM webhooks"
            " WHERE integrator_id=? AND disabled=0",
            [&](SqliteStatement& q) { q.BindText(1, event.integrator_id); },
            [&](SqliteStatement& row) {
              for (absl::string_view type :
                   absl::StrSplit(row.ColumnText(1), ',')) {
                if (type == event.type) subscribed.push_back(row.ColumnText(0));
              }
              return true;
            });
        if (!s.ok()) return s;
        for (const std::string& webhook_id : subscribed) {
          absl::StatusOr<SqliteStatement> delivery = db.Prepare(
              "INSERT INTO webhook_deliveries(id, webhook_id, event_id,"
              " status, next_attempt_at_ms, created_at_ms)"
              " VALUES(?,?,?,'pending',?,?)");
          if (!delivery.ok()) return delivery.status();
          s = delivery->BindText(1, DeliveryId(event.id, webhook_id))
                  .BindText(2, webhook_id)
                  .BindText(3, event.id)
                  .BindInt64(4, event.created_at_ms)
                  .BindInt64(5, event.created_at_ms)
                  .Run();
          if (!s.ok()) return s;
        }
        const int created = static_cast<int>(subscribed.size());
        if (idempotency.has_value()) {
          absl::StatusOr<SqliteStatement> count = db.Prepare(
              "UPDATE publish_keys SET deliveries=? WHERE integrator_id=?"
              " AND key=?");
          if (!count.ok()) return count.status();
          s = count->BindInt64(1, created)
                  .BindText(2, event.integrator_id)
                  .BindText(3, idempotency->key)
                  .Run();
          if (!s.ok()) return s;
        }
        return PublishedEvent{event.id, created, false};
      },
      std::move(done));
}

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
