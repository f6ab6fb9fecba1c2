#include "server/core/call_pipeline.h"

#include <utility>

#include "server/core/public_errors.h"
#include "server/service/webhook_secret_policy.h"

namespace integrator::core {

void CallPipeline::ForIntegrator(const CallContext& context,
                                 absl::string_view scope,
                                 absl::string_view requested_integrator,
                                 absl::FunctionRef<absl::Status()> validate,
                                 Done done, Body body, Naming naming) const {
  absl::StatusOr<auth::Principal> principal =
      authenticator_->Authenticate(context.Credentials(), scope);
  if (!principal.ok()) return done(principal.status());
  if (absl::Status valid = validate(); !valid.ok()) return done(valid);
  // For kServiceNamesAny the scope itself lets an internal caller act for
  // any integrator.
  absl::StatusOr<std::string> target =
      naming == Naming::kServiceNamesAny && principal->integrator_id.empty()
          ? service::RequireIntegratorId(requested_integrator)
          : service::ResolveTargetIntegrator(*principal, requested_integrator);
  if (!target.ok()) return done(target.status());
  if (!principal->signature_use.has_value()) {
    return body(std::move(*target), std::move(done));
  }
  store_->RecordSignatureUse(
      std::move(*principal->signature_use),
      [target = std::move(*target), scope = std::string(scope),
       done = std::move(done),
       body = std::move(body)](absl::Status spent) mutable {
        if (absl::IsAlreadyExists(spent)) {
          return done(auth::ReplayedSignatureError(scope));
        }
        if (!spent.ok()) return done(ServiceUnavailable());
        body(std::move(target), std::move(done));
      });
}

}  // namespace integrator::core
