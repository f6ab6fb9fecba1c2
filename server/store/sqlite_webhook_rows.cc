#include "server/store/sqlite_webhook_rows.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace integrator::sqlite_webhook {
namespace {

DeliveryStatus ParseStatus(absl::string_view status) {
  if (status == "succeeded") return DeliveryStatus::kSucceeded;
  if (status == "failed") return DeliveryStatus::kFailed;
  return DeliveryStatus::kPending;
}

}  // namespace

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

}  // namespace integrator::sqlite_webhook
