// The service's RPCs with no transport: integrator.v1.IntegratorService and
// OperatorService as plain functions of a CallContext and a request message.
// The gRPC adapters (service/) and the embedded gateway's direct invoker
// both call these, so authentication, validation, rich error details and
// the outcome are the same whichever face a call came through.
//
// Contract:
// - UpdateWebhookSecret authenticates (scope write:webhook-secret),
//   validates, resolves the target integrator, seals the secret under the
//   master key with the row's next version, and reports OK only when the
//   store reports the write durable; a signed request's signature is spent
//   in the same write. A previous_secret_ttl (0 to 24 h, capped at
//   `previous_secret_ttl_cap`) keeps the replaced secret signing that long.
// - GetStoreStats (scope admin:integrators) reports the store's counters.
// - `done` is called exactly once, possibly on a store thread; `response` is
//   filled before an OK and must live until then. The request is read only
//   before the call returns. Every failure is a rich status (see
//   proto/rpc/status_details.h). Nothing here blocks on a commit.
// Store, sealer and authenticator must outlive the core. Thread-safe.
//
// EXAMPLE:
//   IntegratorCore core(&store, &sealer, &authenticator);
//   core.UpdateWebhookSecret(context, request, &response,
//                            [](absl::Status s) { ... });
#ifndef INTEGRATOR_SERVER_CORE_INTEGRATOR_CORE_H_
#define INTEGRATOR_SERVER_CORE_INTEGRATOR_CORE_H_

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "integrator/v1/integrator.pb.h"
#include "integrator/v1/operator.pb.h"
#include "server/auth/authenticator.h"
#include "server/core/call_context.h"
#include "server/sealing/secret_sealer.h"
#include "server/store/store.h"

namespace integrator::core {

class IntegratorCore {
 public:
  using Done = absl::AnyInvocable<void(absl::Status)>;

  IntegratorCore(Store* store, const SecretSealer* sealer,
                 const auth::Authenticator* authenticator,
                 absl::Duration previous_secret_ttl_cap = absl::Hours(24))
      : store_(store),
        sealer_(sealer),
        authenticator_(authenticator),
        previous_secret_ttl_cap_(previous_secret_ttl_cap) {}

  void UpdateWebhookSecret(const CallContext& context,
                           const v1::UpdateWebhookSecretRequest& request,
                           v1::UpdateWebhookSecretResponse* response,
                           Done done) const;

  void GetStoreStats(const CallContext& context,
                     const v1::GetStoreStatsRequest& request,
                     v1::StoreStats* response, Done done) const;

 private:
  Store* store_;
  const SecretSealer* sealer_;
  const auth::Authenticator* authenticator_;
  const absl::Duration previous_secret_ttl_cap_;
};

}  // namespace integrator::core

#endif  // INTEGRATOR_SERVER_CORE_INTEGRATOR_CORE_H_
