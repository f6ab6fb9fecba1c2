#include "server/store/sqlite_webhook_store.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/store/sqlite_webhook_rows.h"

namespace integrator {
namespace {

using sqlite_webhook::FindDelivery;
using sqlite_webhook::FindOwned;
using sqlite_webhook::ForEachRow;
using sqlite_webhook::kDeliverySelect;
using sqlite_webhook::kWebhookColumns;
using sqlite_webhook::ReadDelivery;
using sqlite_webhook::ReadWebhook;
using sqlite_webhook::SubmitWrite;

// Takes `key` for `event` (a key past its day counts as free and is taken
// over), or finds what it was first used for: that call's answer to
// replay, or FailedPrecondition for another request. Housekeeping prunes
// old keys; this reads and writes only the one row.
absl::StatusOr<std::optional<PublishedEvent>> ClaimIdempotencyKey(
    SqliteConnection& db, const WebhookEvent& event,
    const IdempotencyKey& key) {
  std::optional<PublishedEvent> replay;
  std::string fingerprint;
  bool expired = false;
  absl::Status s = ForEachRow(
      db,
      "SELECT fingerprint, event_id, deliveries, created_at_ms"
      " FROM publish_keys WHERE integrator_id=? AND key=?",
      [&](SqliteStatement& q) {
        q.BindText(1, event.integrator_id).BindText(2, key.key);
      },
      [&](SqliteStatement& row) {
        fingerprint = row.ColumnText(0);
        replay = PublishedEvent{row.ColumnText(1),
                                static_cast<int>(row.ColumnInt64(2)), true};
        expired =
            row.ColumnInt64(3) < event.created_at_ms - kIdempotencyWindowMs;
        return false;
      });
  if (!s.ok()) return s;
  if (expired) {
    absl::StatusOr<SqliteStatement> forget =
        db.Prepare("DELETE FROM publish_keys WHERE integrator_id=? AND key=?");
    if (!forget.ok()) return forget.status();
    s = forget->BindText(1, event.integrator_id).BindText(2, key.key).Run();
    if (!s.ok()) return s;
    replay.reset();
  }
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

absl::Status InsertEvent(SqliteConnection& db, const WebhookEvent& event) {
  absl::StatusOr<SqliteStatement> insert = db.Prepare(
      "INSERT INTO webhook_events(id, integrator_id, type, body,"
      " created_at_ms) VALUES(?,?,?,?,?)");
  if (!insert.ok()) return insert.status();
  return insert->BindText(1, event.id)
      .BindText(2, event.integrator_id)
      .BindText(3, event.type)
      .BindBlob(4, event.body)
      .BindInt64(5, event.created_at_ms)
      .Run();
}

// The event's delivery to `webhook_id`, pending and due at once.
absl::Status InsertDelivery(SqliteConnection& db, const WebhookEvent& event,
                            absl::string_view webhook_id) {
  absl::StatusOr<SqliteStatement> delivery = db.Prepare(
      "INSERT INTO webhook_deliveries(id, webhook_id, event_id,"
      " status, next_attempt_at_ms, created_at_ms)"
      " VALUES(?,?,?,'pending',?,?)");
  if (!delivery.ok()) return delivery.status();
  return delivery->BindText(1, DeliveryId(event.id, webhook_id))
      .BindText(2, webhook_id)
      .BindText(3, event.id)
      .BindInt64(4, event.created_at_ms)
      .BindInt64(5, event.created_at_ms)
      .Run();
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
        absl::StatusOr<Webhook> webhook =
            FindOwned(db, integrator_id, webhook_id);
        if (!webhook.ok()) return webhook.status();
        if (webhook->disabled) {
          return absl::FailedPreconditionError(
              "the webhook is disabled; enable it first");
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
        absl::Status s = InsertEvent(db, event);
        if (!s.ok()) return s;
        s = InsertDelivery(db, event, webhook_id);
        if (!s.ok()) return s;
        return FindDelivery(db, webhook_id, DeliveryId(event.id, webhook_id));
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
        absl::Status s = InsertEvent(db, event);
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
          s = InsertDelivery(db, event, webhook_id);
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

}  // namespace integrator
