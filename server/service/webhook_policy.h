// The rules of the webhook RPCs that touch neither the network nor the
// store: which event types exist, what a subscription's event list and a
// webhook id may be, how a delivery page token looks, and what a published
// event's data and body are.
//
// Contract:
// - Event types are the public contract's enum (kEventTypes). A webhook's
//   events are 1 to that many, each known, none twice.
// - Webhook ids are "wh_" and 24 lower-case hex digits; anything else of at
//   most 64 characters of [A-Za-z0-9_-] is a well-formed id that names no
//   webhook (NotFound later); longer or other characters are a 400 on
//   `webhook_id`, so a hostile id is never echoed back.
// - A page token is opaque to callers: base64url of "<created_at_ms>.<id>"
//   of the previous page's last delivery; a token that does not decode is a
//   400 on `page_token`. Page sizes are 1 to 100; 0 means 20.
// - Event data is the text of one JSON object of at most 256 KiB, kept byte
//   for byte; the body every attempt sends is
//   {"id":…,"type":…,"createdAt":"<RFC 3339 UTC, ms>","data":<data>}.
// Every violation is INVALID_ARGUMENT with a BadRequest violation naming
// the field, and a message that quotes none of the input.
//
// EXAMPLE:
//   if (absl::Status s = ValidateEvents(request.events()); !s.ok()) ...
//   std::string body = EventBody("evt_…", "payment.created", now, data);
#ifndef INTEGRATOR_SERVER_SERVICE_WEBHOOK_POLICY_H_
#define INTEGRATOR_SERVER_SERVICE_WEBHOOK_POLICY_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "server/service/field_error.h"
#include "server/store/webhook_store.h"

namespace integrator::service {

inline constexpr absl::string_view kEventTypes[] = {
    "account.created",     "account.updated",
    "account.deleted",     "payment.created",
    "payment.updated",     "payment.completed",
    "payment.refunded",    "verification.status.updated",
    "capabilities.updated"};
inline constexpr int kMaxWebhooksPerIntegrator = 20;
inline constexpr size_t kMaxEventDataBytes = 256 * 1024;
inline constexpr int kDefaultDeliveryPageSize = 20;
inline constexpr int kMaxDeliveryPageSize = 100;

bool IsKnownEventType(absl::string_view type);

absl::Status ValidateEvents(
    const google::protobuf::RepeatedPtrField<std::string>& events);

absl::Status ValidateEventType(absl::string_view type);

absl::Status ValidateWebhookIdShape(absl::string_view id);
// The same shape rule for any resource id, violations named `field`.
absl::Status ValidateIdShape(absl::string_view field, absl::string_view id);

// The type of the events TestWebhook sends: outside the contract's enum, so
// no subscription receives it by accident.
inline constexpr absl::string_view kTestEventType = "webhook.test";
// The data of a test event for `webhook_id`.
std::string TestEventData(absl::string_view webhook_id);

// A new id: `prefix` ("wh_", "evt_") and 24 random hex digits.
absl::StatusOr<std::string> NewResourceId(absl::string_view prefix);

absl::StatusOr<int> DeliveryPageSize(int requested);

std::string EncodePageToken(const DeliveryCursor& cursor);
absl::StatusOr<std::optional<DeliveryCursor>> DecodePageToken(
    absl::string_view token);

absl::Status ValidateEventData(absl::string_view data);

// An idempotency key is empty (none) or 1 to 255 printable ASCII
// characters; otherwise a 400 on `idempotency_key`.
absl::Status ValidateIdempotencyKey(absl::string_view key);
// What identifies a publish for its key: the type and the data, hashed.
std::string PublishFingerprint(absl::string_view type, absl::string_view data);
// FAILED_PRECONDITION on `idempotency_key`: the key was first used for
// another request.
absl::Status KeyReusedError();

std::string EventBody(absl::string_view event_id, absl::string_view type,
                      absl::Time created_at, absl::string_view data);

}  // namespace integrator::service

#endif  // INTEGRATOR_SERVER_SERVICE_WEBHOOK_POLICY_H_
