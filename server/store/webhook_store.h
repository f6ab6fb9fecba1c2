// The webhooks aggregate of the store: integrators' webhook subscriptions,
// the events published for them and the outbox of their deliveries.
//
// Contract (every backend; store_contract_test.cc is the proof):
// - Thread-safe. Every method answers through its callback exactly once,
//   possibly on a store thread, and a write's callback sees OK only once the
//   write is durable for the backend.
// - Webhooks belong to one integrator: a webhook id of another integrator
//   is NotFound ("webhook not found"), exactly like an unknown one. An
//   unknown integrator is NotFound ("integrator not found"), listings
//   included.
// - CreateWebhook refuses a webhook past `max_per_integrator` with
//   FailedPrecondition. DeleteWebhook also deletes its deliveries.
// - PublishEvent is the transactional outbox: the event and one pending
//   delivery per enabled webhook of the integrator subscribed to the type,
//   in one transaction, due at once. It answers the event id and how many
//   deliveries it created. With an idempotency key, the key is kept in the
//   same transaction for kIdempotencyWindowMs: the same key with the same
//   fingerprint answers the first call's event id and count (replayed) and
//   writes nothing; with another fingerprint it is FailedPrecondition. A
//   key older than the window is free again (PruneFinished removes it).
// - ListDeliveries pages newest first (created_at_ms, then id, both
//   descending); `after` is the last delivery of the previous page.
// - ClaimDueDeliveries leases up to `limit` pending deliveries that are due
//   (next_attempt_at_ms <= now_ms), unleased or with an expired lease, of
//   enabled webhooks, oldest due first, until `lease_until_ms`. Two claims
//   never hold the same delivery at once (PostgreSQL: SKIP LOCKED).
// - RecordAttempt counts an attempt of a leased delivery and ends its lease,
//   only while that lease is still the delivery's (same lease_until_ms, still
//   pending); otherwise it changes nothing and is FailedPrecondition (the
//   lease ran out and another claim took over):
//   a success marks it succeeded and resets the webhook's failure count; a
//   failure raises the count, disables the webhook when the count reaches
//   `disable_after`, and leaves the delivery pending until
//   `next_attempt_at_ms`, or failed when there is none.
// - ReleaseLeases ends every lease, so deliveries a crashed process held are
//   due again at once (only for a store one process serves).
// - PruneFinished deletes, in one short transaction, at most `batch` each
//   of: finished (succeeded or failed) deliveries created before
//   `finished_before_ms`; events created before it that no delivery needs;
//   idempotency keys created before `keys_before_ms`. Pending deliveries and
//   their events are never pruned. Callers repeat it while a count reaches
//   `batch`, so writers never wait behind one long delete.
//
// EXAMPLE:
//   WebhookStore& webhooks = *store;
//   webhooks.PublishEvent(event, std::nullopt, [](auto published) { ... });
#ifndef INTEGRATOR_SERVER_STORE_WEBHOOK_STORE_H_
#define INTEGRATOR_SERVER_STORE_WEBHOOK_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "server/store/write_callbacks.h"

namespace integrator {

struct Webhook {
  std::string id;
  std::string integrator_id;
  std::string url;
  std::vector<std::string> events;
  int32_t failure_count = 0;
  bool disabled = false;
  int64_t created_at_ms = 0;
};

// An event as published: `body` is the exact request body every attempt
// sends, serialized once.
struct WebhookEvent {
  std::string id;
  std::string integrator_id;
  std::string type;
  std::string body;
  int64_t created_at_ms = 0;
};

enum class DeliveryStatus { kPending, kSucceeded, kFailed };

struct WebhookDeliveryRecord {
  std::string id;
  std::string webhook_id;
  std::string event_id;
  std::string event_type;
  DeliveryStatus status = DeliveryStatus::kPending;
  int32_t attempts = 0;
  int32_t last_status_code = 0;
  std::string last_error;
  // Set only while pending.
  std::optional<int64_t> next_attempt_at_ms;
  int64_t created_at_ms = 0;
};

// A page cursor: the last delivery of the previous page.
struct DeliveryCursor {
  int64_t created_at_ms = 0;
  std::string id;
};

// What a worker needs for one attempt.
struct ClaimedDelivery {
  std::string delivery_id;
  std::string webhook_id;
  std::string integrator_id;
  std::string url;
  std::string event_type;
  std::string body;
  int32_t attempts = 0;  // before this one
  // The lease's end: also its token, since a later claim of the same
  // delivery always ends later.
  int64_t lease_until_ms = 0;
};

struct AttemptOutcome {
  std::string delivery_id;
  // The claim's lease_until_ms: an outcome is recorded only while its lease
  // is the delivery's current one.
  int64_t lease_until_ms = 0;
  bool succeeded = false;
  int32_t status_code = 0;  // 0: no HTTP response
  std::string error;        // empty on success
  // For a failure: when to try again; none means the delivery has failed.
  std::optional<int64_t> next_attempt_at_ms;
  int32_t disable_after = 50;
};

// The id of an event's delivery to a webhook: derived, so every backend
// names it alike and one event never has two deliveries to one webhook.
inline std::string DeliveryId(absl::string_view event_id,
                              absl::string_view webhook_id) {
  absl::ConsumePrefix(&event_id, "evt_");
  absl::ConsumePrefix(&webhook_id, "wh_");
  return absl::StrCat("dlv_", event_id, webhook_id);
}

// A publisher's key for retrying one publish, and what identifies the
// request it was first used with.
struct IdempotencyKey {
  std::string key;
  std::string fingerprint;
};

inline constexpr int64_t kIdempotencyWindowMs = 24 * 60 * 60 * 1000;

struct PruneCounts {
  int deliveries = 0;
  int events = 0;
  int idempotency_keys = 0;
};

struct PublishedEvent {
  std::string event_id;
  int deliveries = 0;
  bool replayed = false;  // answered from the key, nothing written
};

template <typename T>
using ResultFn = absl::AnyInvocable<void(absl::StatusOr<T>)>;

inline absl::string_view DeliveryStatusName(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::kPending:
      return "pending";
    case DeliveryStatus::kSucceeded:
      return "succeeded";
    case DeliveryStatus::kFailed:
      return "failed";
  }
  return "pending";
}

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  virtual void CreateWebhook(Webhook webhook, int max_per_integrator,
                             ResultFn<Webhook> done) = 0;
  virtual void ListWebhooks(std::string integrator_id,
                            ResultFn<std::vector<Webhook>> done) = 0;
  virtual void DeleteWebhook(std::string integrator_id, std::string webhook_id,
                             DoneFn done) = 0;
  virtual void EnableWebhook(std::string integrator_id, std::string webhook_id,
                             ResultFn<Webhook> done) = 0;
  virtual void ListDeliveries(
      std::string integrator_id, std::string webhook_id, int page_size,
      std::optional<DeliveryCursor> after,
      ResultFn<std::vector<WebhookDeliveryRecord>> done) = 0;
  virtual void PublishEvent(WebhookEvent event,
                            std::optional<IdempotencyKey> idempotency,
                            ResultFn<PublishedEvent> done) = 0;
  // Makes a failed or succeeded delivery of the integrator's webhook due at
  // `now_ms` again (its attempts keep counting); a pending one, or one of a
  // disabled webhook, is FailedPrecondition.
  virtual void RetryDelivery(std::string integrator_id, std::string webhook_id,
                             std::string delivery_id, int64_t now_ms,
                             ResultFn<WebhookDeliveryRecord> done) = 0;
  // Writes `event` and one delivery of it to the integrator's webhook alone,
  // due at once, whatever the webhook subscribes to; a disabled webhook is
  // FailedPrecondition.
  virtual void PublishTestEvent(std::string webhook_id, WebhookEvent event,
                                ResultFn<WebhookDeliveryRecord> done) = 0;

  virtual absl::StatusOr<std::vector<ClaimedDelivery>> ClaimDueDeliveries(
      int64_t now_ms, int limit, int64_t lease_until_ms) = 0;
  virtual absl::Status RecordAttempt(const AttemptOutcome& outcome) = 0;
  virtual absl::Status ReleaseLeases() = 0;
  virtual absl::StatusOr<PruneCounts> PruneFinished(int64_t finished_before_ms,
                                                    int64_t keys_before_ms,
                                                    int batch) = 0;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_WEBHOOK_STORE_H_
