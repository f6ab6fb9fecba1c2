#include "server/store/postgres_webhook_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/store/postgres_transactions.h"

namespace integrator {
namespace {

constexpr absl::string_view kWebhookColumns =
    "id, integrator_id, url, events, failure_count, disabled, created_at_ms";

Webhook ReadWebhook(const PgRows& rows, int row) {
  Webhook webhook;
  webhook.id = rows.Text(row, 0);
  webhook.integrator_id = rows.Text(row, 1);
  webhook.url = rows.Text(row, 2);
  webhook.events = absl::StrSplit(rows.Text(row, 3), ',', absl::SkipEmpty());
  webhook.failure_count = static_cast<int32_t>(rows.Int(row, 4));
  webhook.disabled = rows.Text(row, 5) == "t";
  webhook.created_at_ms = rows.Int(row, 6);
  return webhook;
}

DeliveryStatus ParseStatus(absl::string_view status) {
  if (status == "succeeded") return DeliveryStatus::kSucceeded;
  if (status == "failed") return DeliveryStatus::kFailed;
  return DeliveryStatus::kPending;
}

// A delivery as listings show it: ReadDelivery reads these columns.
constexpr absl::string_view kDeliverySelect =
    "SELECT d.id, d.webhook_id, d.event_id, e.type, d.status, d.attempts,"
    " d.last_status_code, d.last_error, d.next_attempt_at_ms, d.created_at_ms"
    " FROM webhook_deliveries d JOIN webhook_events e ON e.id=d.event_id";

WebhookDeliveryRecord ReadDelivery(const PgRows& rows, int i) {
  WebhookDeliveryRecord record;
  record.id = rows.Text(i, 0);
  record.webhook_id = rows.Text(i, 1);
  record.event_id = rows.Text(i, 2);
  record.event_type = rows.Text(i, 3);
  record.status = ParseStatus(rows.Text(i, 4));
  record.attempts = static_cast<int32_t>(rows.Int(i, 5));
  record.last_status_code = static_cast<int32_t>(rows.Int(i, 6));
  record.last_error = rows.Text(i, 7);
  if (!rows.IsNull(i, 8)) record.next_attempt_at_ms = rows.Int(i, 8);
  record.created_at_ms = rows.Int(i, 9);
  return record;
}

absl::StatusOr<WebhookDeliveryRecord> FindDelivery(
    PgConnection& db, absl::string_view webhook_id,
    absl::string_view delivery_id) {
  absl::StatusOr<PgRows> rows = db.Exec(
      absl::StrCat(kDeliverySelect, " WHERE d.id=$1 AND d.webhook_id=$2"),
      {PgParam::Text(delivery_id), PgParam::Text(webhook_id)});
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return absl::NotFoundError("delivery not found");
  return ReadDelivery(*rows, 0);
}

// Locks the integrator's webhook row; NotFound when the id is unknown or
// another integrator's.
absl::StatusOr<Webhook> LockOwned(PgConnection& db,
                                  absl::string_view integrator_id,
                                  absl::string_view webhook_id) {
  absl::StatusOr<PgRows> rows =
      db.Exec(absl::StrCat("SELECT ", kWebhookColumns,
                           " FROM webhooks WHERE id=$1 AND integrator_id=$2"
                           " FOR UPDATE"),
              {PgParam::Text(webhook_id), PgParam::Text(integrator_id)});
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return absl::NotFoundError("webhook not found");
  return ReadWebhook(*rows, 0);
}

// Takes `key` for `event` (a key past its day counts as free and is taken
// over), or finds what it was first used for: that call's answer to
// replay, or FailedPrecondition for another request. A concurrent first
// use of the same key on another replica makes the INSERT wait for its
// commit, so the read after it sees that call's row. Housekeeping prunes
// old keys; this touches only the one row.
absl::StatusOr<std::optional<PublishedEvent>> ClaimIdempotencyKey(
    PgConnection& db, const WebhookEvent& event, const IdempotencyKey& key) {
  absl::StatusOr<PgRows> taken = db.Exec(
      "INSERT INTO publish_keys(integrator_id, key, fingerprint, event_id,"
      " deliveries, created_at_ms) VALUES($1, $2, $3, $4, 0, $5)"
      " ON CONFLICT (integrator_id, key) DO UPDATE SET"
      " fingerprint=excluded.fingerprint, event_id=excluded.event_id,"
      " deliveries=0, created_at_ms=excluded.created_at_ms"
      " WHERE publish_keys.created_at_ms < $6 RETURNING 1",
      {PgParam::Text(event.integrator_id), PgParam::Text(key.key),
       PgParam::Text(key.fingerprint), PgParam::Text(event.id),
       PgParam::Int(event.created_at_ms),
       PgParam::Int(event.created_at_ms - kIdempotencyWindowMs)});
  if (!taken.ok()) return taken.status();
  if (taken->size() == 1) return std::optional<PublishedEvent>();
  absl::StatusOr<PgRows> kept = db.Exec(
      "SELECT fingerprint, event_id, deliveries FROM publish_keys"
      " WHERE integrator_id=$1 AND key=$2",
      {PgParam::Text(event.integrator_id), PgParam::Text(key.key)});
  if (!kept.ok()) return kept.status();
  if (kept->size() == 0) {
    return absl::UnavailableError("the idempotency key is being replaced");
  }
  if (kept->Text(0, 0) != key.fingerprint) {
    return absl::FailedPreconditionError(
        "the idempotency key was used for another request");
  }
  return std::optional<PublishedEvent>(PublishedEvent{
      kept->Text(0, 1), static_cast<int>(kept->Int(0, 2)), true});
}

absl::Status InsertEvent(PgConnection& db, const WebhookEvent& event) {
  return db.Run(
      "INSERT INTO webhook_events(id, integrator_id, type, body,"
      " created_at_ms) VALUES($1, $2, $3, $4, $5)",
      {PgParam::Text(event.id), PgParam::Text(event.integrator_id),
       PgParam::Text(event.type), PgParam::Bytes(event.body),
       PgParam::Int(event.created_at_ms)});
}

// The event's delivery to `webhook_id`, pending and due at once.
absl::Status InsertDelivery(PgConnection& db, const WebhookEvent& event,
                            absl::string_view webhook_id) {
  return db.Run(
      "INSERT INTO webhook_deliveries(id, webhook_id, event_id,"
      " status, next_attempt_at_ms, created_at_ms)"
      " VALUES($1, $2, $3, 'pending', $4, $4)",
      {PgParam::Text(DeliveryId(event.id, webhook_id)),
       PgParam::Text(webhook_id), PgParam::Text(event.id),
       PgParam::Int(event.created_at_ms)});
}

}  // namespace

void PostgresWebhookStore::CreateWebhook(Webhook webhook,
                                         int max_per_integrator,
                                         ResultFn<Webhook> done) {
  SubmitTransaction<Webhook>(
      *pool_,
      [webhook = std::move(webhook), max_per_integrator](
          PgConnection& db) mutable -> absl::StatusOr<Webhook> {
        // The integrator's row lock serializes creations, so two replicas
        // cannot both pass the limit.
        absl::StatusOr<PgRows> locked =
            db.Exec("SELECT 1 FROM integrators WHERE id=$1 FOR UPDATE",
                    {PgParam::Text(webhook.integrator_id)});
        if (!locked.ok()) return locked.status();
        if (locked->size() == 0) {
          return absl::NotFoundError("integrator not found");
        }
        absl::StatusOr<PgRows> owned =
            db.Exec("SELECT COUNT(*) FROM webhooks WHERE integrator_id=$1",
                    {PgParam::Text(webhook.integrator_id)});
        if (!owned.ok()) return owned.status();
        if (owned->Int(0, 0) >= max_per_integrator) {
          return absl::FailedPreconditionError(
              "the integrator has the most webhooks allowed");
        }
        absl::Status s = db.Run(
            absl::StrCat("INSERT INTO webhooks(", kWebhookColumns,
                         ") VALUES($1, $2, $3, $4, $5, $6, $7)"),
            {PgParam::Text(webhook.id), PgParam::Text(webhook.integrator_id),
             PgParam::Text(webhook.url),
             PgParam::Text(absl::StrJoin(webhook.events, ",")),
             PgParam::Int(webhook.failure_count),
             PgParam::Text(webhook.disabled ? "true" : "false"),
             PgParam::Int(webhook.created_at_ms)});
        if (!s.ok()) return s;
        return std::move(webhook);
      },
      std::move(done));
}

void PostgresWebhookStore::ListWebhooks(std::string integrator_id,
                                        ResultFn<std::vector<Webhook>> done) {
  SubmitTransaction<std::vector<Webhook>>(
      *pool_,
      [integrator_id = std::move(integrator_id)](
          PgConnection& db) -> absl::StatusOr<std::vector<Webhook>> {
        absl::StatusOr<PgRows> known =
            db.Exec("SELECT 1 FROM integrators WHERE id=$1",
                    {PgParam::Text(integrator_id)});
        if (!known.ok()) return known.status();
        if (known->size() == 0) {
          return absl::NotFoundError("integrator not found");
        }
        absl::StatusOr<PgRows> rows =
            db.Exec(absl::StrCat("SELECT ", kWebhookColumns,
                                 " FROM webhooks WHERE integrator_id=$1"
                                 " ORDER BY created_at_ms, id"),
                    {PgParam::Text(integrator_id)});
        if (!rows.ok()) return rows.status();
        std::vector<Webhook> webhooks;
        for (int i = 0; i < rows->size(); ++i) {
          webhooks.push_back(ReadWebhook(*rows, i));
        }
        return webhooks;
      },
      std::move(done));
}

void PostgresWebhookStore::DeleteWebhook(std::string integrator_id,
                                         std::string webhook_id, DoneFn done) {
  SubmitTransaction<bool>(
      *pool_,
      [integrator_id = std::move(integrator_id),
       webhook_id =
           std::move(webhook_id)](PgConnection& db) -> absl::StatusOr<bool> {
        absl::StatusOr<PgRows> rows =
            db.Exec("DELETE FROM webhooks WHERE id=$1 AND integrator_id=$2",
                    {PgParam::Text(webhook_id), PgParam::Text(integrator_id)});
        if (!rows.ok()) return rows.status();
        if (rows->affected() == 0) {
          return absl::NotFoundError("webhook not found");
        }
        return true;
      },
      [done = std::move(done)](absl::StatusOr<bool> deleted) mutable {
        done(deleted.status());
      });
}

void PostgresWebhookStore::EnableWebhook(std::string integrator_id,
                                         std::string webhook_id,
                                         ResultFn<Webhook> done) {
  SubmitTransaction<Webhook>(
      *pool_,
      [integrator_id = std::move(integrator_id),
       webhook_id =
           std::move(webhook_id)](PgConnection& db) -> absl::StatusOr<Webhook> {
        absl::StatusOr<Webhook> webhook =
            LockOwned(db, integrator_id, webhook_id);
        if (!webhook.ok()) return webhook.status();
        if (absl::Status s =
                db.Run("UPDATE webhooks SET disabled=false, failure_count=0"
                       " WHERE id=$1",
                       {PgParam::Text(webhook_id)});
            !s.ok()) {
          return s;
        }
        webhook->disabled = false;
        webhook->failure_count = 0;
        return webhook;
      },
      std::move(done));
}

void PostgresWebhookStore::ListDeliveries(
    std::string integrator_id, std::string webhook_id, int page_size,
    std::optional<DeliveryCursor> after,
    ResultFn<std::vector<WebhookDeliveryRecord>> done) {
  SubmitTransaction<std::vector<WebhookDeliveryRecord>>(
      *pool_,
      [integrator_id = std::move(integrator_id),
       webhook_id = std::move(webhook_id), page_size,
       after = std::move(after)](PgConnection& db)
          -> absl::StatusOr<std::vector<WebhookDeliveryRecord>> {
        absl::StatusOr<PgRows> owner =
            db.Exec("SELECT 1 FROM webhooks WHERE id=$1 AND integrator_id=$2",
                    {PgParam::Text(webhook_id), PgParam::Text(integrator_id)});
        if (!owner.ok()) return owner.status();
        if (owner->size() == 0) return absl::NotFoundError("webhook not found");
        absl::StatusOr<PgRows> rows = db.Exec(
            absl::StrCat(kDeliverySelect,
                         " WHERE d.webhook_id=$1 AND ($2::int = 0"
                         "   OR d.created_at_ms < $3::bigint"
                         "   OR (d.created_at_ms = $3::bigint AND d.id < $4))"
                         " ORDER BY d.created_at_ms DESC, d.id DESC LIMIT $5"),
            {PgParam::Text(webhook_id), PgParam::Int(after.has_value() ? 1 : 0),
             PgParam::Int(after.has_value() ? after->created_at_ms : 0),
             PgParam::Text(after.has_value() ? after->id : ""),
             PgParam::Int(page_size)});
        if (!rows.ok()) return rows.status();
        std::vector<WebhookDeliveryRecord> page;
        for (int i = 0; i < rows->size(); ++i) {
          page.push_back(ReadDelivery(*rows, i));
        }
        return page;
      },
      std::move(done));
}

void PostgresWebhookStore::RetryDelivery(std::string integrator_id,
                                         std::string webhook_id,
                                         std::string delivery_id,
                                         int64_t now_ms,
                                         ResultFn<WebhookDeliveryRecord> done) {
  SubmitTransaction<WebhookDeliveryRecord>(
      *pool_,
      [integrator_id = std::move(integrator_id),
       webhook_id = std::move(webhook_id), delivery_id = std::move(delivery_id),
       now_ms](PgConnection& db) -> absl::StatusOr<WebhookDeliveryRecord> {
        absl::StatusOr<Webhook> webhook =
            LockOwned(db, integrator_id, webhook_id);
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
        // Pruning may have taken it since it was read.
        absl::StatusOr<PgRows> due = db.Exec(
            "UPDATE webhook_deliveries SET status='pending',"
            " next_attempt_at_ms=$1, leased_until_ms=NULL WHERE id=$2",
            {PgParam::Int(now_ms), PgParam::Text(delivery_id)});
        if (!due.ok()) return due.status();
        if (due->affected() == 0) {
          return absl::NotFoundError("delivery not found");
        }
        delivery->status = DeliveryStatus::kPending;
        delivery->next_attempt_at_ms = now_ms;
        return delivery;
      },
      std::move(done));
}

void PostgresWebhookStore::PublishTestEvent(
    std::string webhook_id, WebhookEvent event,
    ResultFn<WebhookDeliveryRecord> done) {
  SubmitTransaction<WebhookDeliveryRecord>(
      *pool_,
      [webhook_id = std::move(webhook_id), event = std::move(event)](
          PgConnection& db) -> absl::StatusOr<WebhookDeliveryRecord> {
        absl::StatusOr<Webhook> webhook =
            LockOwned(db, event.integrator_id, webhook_id);
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

void PostgresWebhookStore::PublishEvent(
    WebhookEvent event, std::optional<IdempotencyKey> idempotency,
    ResultFn<PublishedEvent> done) {
  SubmitTransaction<PublishedEvent>(
      *pool_,
      [event = std::move(event), idempotency = std::move(idempotency)](
          PgConnection& db) -> absl::StatusOr<PublishedEvent> {
        if (idempotency.has_value()) {
          absl::StatusOr<std::optional<PublishedEvent>> kept =
              ClaimIdempotencyKey(db, event, *idempotency);
          if (!kept.ok()) return kept.status();
          if (kept->has_value()) return **kept;
        }
        absl::Status s = InsertEvent(db, event);
        if (absl::IsFailedPrecondition(s)) {
          return absl::NotFoundError("integrator not found");
        }
        if (!s.ok()) return s;
        // KEY SHARE: a webhook deleted meanwhile is either skipped here or
        // waits for this commit, so a delivery never references a row gone.
        absl::StatusOr<PgRows> webhooks = db.Exec(
            "SELECT id, events FROM webhooks"
            " WHERE integrator_id=$1 AND NOT disabled FOR KEY SHARE",
            {PgParam::Text(event.integrator_id)});
        if (!webhooks.ok()) return webhooks.status();
        int created = 0;
        for (int i = 0; i < webhooks->size(); ++i) {
          const std::string events = webhooks->Text(i, 1);
          bool subscribed = false;
          for (absl::string_view type : absl::StrSplit(events, ',')) {
            subscribed = subscribed || type == event.type;
          }
          if (!subscribed) continue;
          const std::string webhook_id = webhooks->Text(i, 0);
          s = InsertDelivery(db, event, webhook_id);
          if (!s.ok()) return s;
          ++created;
        }
        if (idempotency.has_value()) {
          s = db.Run(
              "UPDATE publish_keys SET deliveries=$1 WHERE integrator_id=$2"
              " AND key=$3",
              {PgParam::Int(created), PgParam::Text(event.integrator_id),
               PgParam::Text(idempotency->key)});
          if (!s.ok()) return s;
        }
        return PublishedEvent{event.id, created, false};
      },
      std::move(done));
}

}  // namespace integrator
