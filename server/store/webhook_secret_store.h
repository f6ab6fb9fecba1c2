// The webhook-secrets aggregate of the store: each integrator's secret,
// sealed, with a version that only grows, and during a rotation's overlap
// window the previous one.
//
// Contract: thread-safe. UpdateWebhookSecret's `done` gets NotFound when
// the integrator does not exist, and OK only once the new row is durable.
// With `signature`, the signature is spent in the same transaction: a
// replay gets AlreadyExists and changes nothing, and a signature is spent
// only by an update that commits. With `keep_previous_until_ms` > 0 the
// secret being replaced stays, sealed as it was, until then; with 0 it is
// erased by the same write. GetWebhookSecret is the current secret,
// NotFound when none is set; GetWebhookSecrets adds the previous one while
// its window is open at `now_ms`. EraseExpiredPreviousSecrets erases
// previous secrets whose window closed and says how many.
//
// EXAMPLE:
//   WebhookSecretStore& secrets = *store;
//   secrets.UpdateWebhookSecret("itg_1", seal, done, std::nullopt);
#ifndef INTEGRATOR_SERVER_STORE_WEBHOOK_SECRET_STORE_H_
#define INTEGRATOR_SERVER_STORE_WEBHOOK_SECRET_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/sealing/sealed_secret.h"
#include "server/store/credential_store.h"
#include "server/store/write_callbacks.h"

namespace integrator {

// The secrets that sign an integrator's webhooks now: the current one, and
// the one it replaced while the overlap window is open.
struct WebhookSecrets {
  SealedSecret current;
  std::optional<SealedSecret> previous;
  int64_t previous_expires_at_ms = 0;
};

class WebhookSecretStore {
 public:
  virtual ~WebhookSecretStore() = default;

  virtual void UpdateWebhookSecret(std::string integrator_id, SealFn seal,
                                   DoneFn done,
                                   std::optional<SignatureUse> signature,
                                   int64_t keep_previous_until_ms) = 0;
  // The common update: the replaced secret is erased at once.
  void UpdateWebhookSecret(std::string integrator_id, SealFn seal, DoneFn done,
                           std::optional<SignatureUse> signature) {
    UpdateWebhookSecret(std::move(integrator_id), std::move(seal),
                        std::move(done), std::move(signature), 0);
  }
  virtual absl::StatusOr<SealedSecret> GetWebhookSecret(
      absl::string_view integrator_id) = 0;
  virtual absl::StatusOr<WebhookSecrets> GetWebhookSecrets(
      absl::string_view integrator_id, int64_t now_ms) = 0;
  virtual absl::StatusOr<int> EraseExpiredPreviousSecrets(int64_t now_ms) = 0;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_WEBHOOK_SECRET_STORE_H_
