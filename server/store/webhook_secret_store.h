// The webhook-secrets aggregate of the store: each integrator's secret,
// sealed, with a version that only grows.
//
// Contract: thread-safe. UpdateWebhookSecret's `done` gets NotFound when
// the integrator does not exist, and OK only once the new row is durable.
// With `signature`, the signature is spent in the same transaction: a
// replay gets AlreadyExists and changes nothing, and a signature is spent
// only by an update that commits. GetWebhookSecret is NotFound when none is
// set.
//
// EXAMPLE:
//   WebhookSecretStore& secrets = *store;
//   secrets.UpdateWebhookSecret("itg_1", seal, done, std::nullopt);
#ifndef INTEGRATOR_SERVER_STORE_WEBHOOK_SECRET_STORE_H_
#define INTEGRATOR_SERVER_STORE_WEBHOOK_SECRET_STORE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/sealing/sealed_secret.h"
#include "server/store/credential_store.h"
#include "server/store/write_callbacks.h"

namespace integrator {

class WebhookSecretStore {
 public:
  virtual ~WebhookSecretStore() = default;

  virtual void UpdateWebhookSecret(std::string integrator_id, SealFn seal,
                                   DoneFn done,
                                   std::optional<SignatureUse> signature) = 0;
  virtual absl::StatusOr<SealedSecret> GetWebhookSecret(
      absl::string_view integrator_id) = 0;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_WEBHOOK_SECRET_STORE_H_
