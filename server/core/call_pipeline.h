// What every RPC acting on one integrator repeats before its own logic:
// authenticate for the RPC's scope, resolve the integrator the caller may
// act on, and spend a signed request's signature. A handler then holds only
// its own logic (webhook_core.h).
//
// Contract: ForIntegrator() runs the steps in that order (with the
// request's own validation after authentication) and calls `body`
// with the target integrator and `done` only when all passed; otherwise it
// answers `done` with the step's rich status (a replayed signature is the
// auth error of `scope`, a store that cannot spend it is UNAVAILABLE).
// `body` may run on a store thread. A signature is spent before `body`
// runs, so a call that then fails has still used it (the client signs a
// new request). The store and authenticator must outlive the pipeline.
//
// EXAMPLE:
//   pipeline.ForIntegrator(context, auth::kScopeReadWebhooks,
//       request.integrator_id(), [] { return absl::OkStatus(); },
//       std::move(done),
//       [](std::string integrator, Done done) { ... done(OkStatus()); });
#ifndef INTEGRATOR_SERVER_CORE_CALL_PIPELINE_H_
#define INTEGRATOR_SERVER_CORE_CALL_PIPELINE_H_

#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/auth/authenticator.h"
#include "server/core/call_context.h"
#include "server/store/store.h"

namespace integrator::core {

class CallPipeline {
 public:
  using Done = absl::AnyInvocable<void(absl::Status)>;
  using Body = absl::AnyInvocable<void(std::string integrator_id, Done done)>;

  CallPipeline(Store* store, const auth::Authenticator* authenticator)
      : store_(store), authenticator_(authenticator) {}

  // Who may name which integrator (an empty name is the caller's own).
  enum class Naming {
    // Only callers with `admin:integrators` name another integrator.
    kAdminNamesAny,
    // Any internal caller with the scope names any integrator (publishing
    // events is itself that permission); integrators only their own.
    kServiceNamesAny,
  };

  // `validate` checks the request itself; it runs after authentication, so
  // an anonymous caller learns nothing about what a valid request is, and
  // before a signature is spent on a request that cannot succeed.
  void ForIntegrator(const CallContext& context, absl::string_view scope,
                     absl::string_view requested_integrator,
                     absl::FunctionRef<absl::Status()> validate, Done done,
                     Body body, Naming naming = Naming::kAdminNamesAny) const;

 private:
  Store* store_;
  const auth::Authenticator* authenticator_;
};

}  // namespace integrator::core

#endif  // INTEGRATOR_SERVER_CORE_CALL_PIPELINE_H_
