#include "server/service/webhook_policy.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "proto/rpc/status_details.h"
#include "server/crypto/digest.h"
#include "server/crypto/random.h"

namespace integrator::service {
namespace {

constexpr size_t kMaxIdLength = 64;

bool IsIdCharacters(absl::string_view id) {
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '-';
  });
}

}  // namespace

bool IsKnownEventType(absl::string_view type) {
  return std::find(std::begin(kEventTypes), std::end(kEventTypes), type) !=
         std::end(kEventTypes);
}

absl::Status ValidateEventType(absl::string_view type) {
  if (!IsKnownEventType(type)) {
    return FieldError("event_type", "unknown event type");
  }
  return absl::OkStatus();
}

absl::Status ValidateEvents(
    const google::protobuf::RepeatedPtrField<std::string>& events) {
  if (events.empty()) {
    return FieldError("events", "at least one event type is required");
  }
  if (events.size() > static_cast<int>(std::size(kEventTypes))) {
    return FieldError("events", "too many event types");
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (const std::string& type : events) {
    if (!IsKnownEventType(type)) {
      return FieldError("events", "unknown event type");
    }
    if (!seen.insert(type).second) {
      return FieldError("events", "an event type is listed twice");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateIdShape(absl::string_view field, absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength || !IsIdCharacters(id)) {
    return FieldError(field, absl::StrCat("not a ", field));
  }
  return absl::OkStatus();
}

absl::Status ValidateWebhookIdShape(absl::string_view id) {
  return ValidateIdShape("webhook_id", id);
}

std::string TestEventData(absl::string_view webhook_id) {
  // Ids are from a fixed alphabet (ValidateIdShape): nothing to escape.
  return absl::StrCat("{\"webhookId\":\"", webhook_id,
                      "\",\"message\":\"A test event from integrator-api\"}");
}

absl::StatusOr<std::string> NewResourceId(absl::string_view prefix) {
  absl::StatusOr<std::string> bytes = crypto::PublicRandomBytes(12);
  if (!bytes.ok()) return bytes.status();
  return absl::StrCat(prefix, absl::BytesToHexString(*bytes));
}

absl::StatusOr<int> DeliveryPageSize(int requested) {
  if (requested == 0) return kDefaultDeliveryPageSize;
  if (requested < 0 || requested > kMaxDeliveryPageSize) {
    return FieldError("page_size", "page size must be 1 to 100");
  }
  return requested;
}

std::string EncodePageToken(const DeliveryCursor& cursor) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(cursor.created_at_ms, ".", cursor.id));
}

absl::StatusOr<std::optional<DeliveryCursor>> DecodePageToken(
    absl::string_view token) {
  if (token.empty()) return std::optional<DeliveryCursor>();
  std::string text;
  if (token.size() > 256 || !absl::WebSafeBase64Unescape(token, &text)) {
    return FieldError("page_token", "not a page token");
  }
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('.', 1));
  DeliveryCursor cursor;
  if (!absl::SimpleAtoi(parts.first, &cursor.created_at_ms) ||
      parts.second.empty() || parts.second.size() > 128 ||
      !IsIdCharacters(parts.second)) {
    return FieldError("page_token", "not a page token");
  }
  cursor.id = std::string(parts.second);
  return std::optional<DeliveryCursor>(std::move(cursor));
}

absl::Status ValidateEventData(absl::string_view data) {
  if (data.size() > kMaxEventDataBytes) {
    return FieldError("data", "data is larger than 256 KiB");
  }
  // Parsed only to be checked: the text itself is what receivers get.
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(data.data(), data.size()), &object)
           .ok()) {
    return FieldError("data", "data must be a JSON object");
  }
  return absl::OkStatus();
}

absl::Status ValidateIdempotencyKey(absl::string_view key) {
  if (key.size() > 255 || !std::all_of(key.begin(), key.end(), [](char c) {
        return c >= 0x20 && c <= 0x7e;
      })) {
    return FieldError("idempotency_key",
                      "idempotency_key must be 1 to 255 printable characters");
  }
  return absl::OkStatus();
}

std::string PublishFingerprint(absl::string_view type, absl::string_view data) {
  // The type cannot hold a newline (a known type), so the split is unique.
  return crypto::Sha256Hex(absl::StrCat(type, "\n", data));
}

absl::Status KeyReusedError() {
  const absl::string_view message =
      "this idempotency_key was first used for a different event; use a new "
      "key for a new event";
  return rpc::WithFieldViolation(
      rpc::WithErrorInfo(absl::FailedPreconditionError(message),
                         "IDEMPOTENCY_KEY_REUSED", "webhooks",
                         {{"field", "idempotency_key"}}),
      "idempotency_key", message);
}

std::string EventBody(absl::string_view event_id, absl::string_view type,
                      absl::Time created_at, absl::string_view data) {
  // Ids and types are from fixed alphabets: nothing in them needs escaping.
  return absl::StrCat(
      "{\"id\":\"", event_id, "\",\"type\":\"", type, "\",\"createdAt\":\"",
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", created_at, absl::UTCTimeZone()),
      "\",\"data\":", data, "}");
}

}  // namespace integrator::service
