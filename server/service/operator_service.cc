#include "server/service/operator_service.h"

#include "server/auth/scopes.h"
#include "server/rpc/unary_call.h"

namespace integrator::service {

grpc::ServerUnaryReactor* OperatorServiceImpl::GetStoreStats(
    grpc::CallbackServerContext* context,
    const integrator::v1::GetStoreStatsRequest* /*request*/,
    integrator::v1::StoreStats* response) {
  rpc::UnaryCall call(context, "GetStoreStats");
  absl::StatusOr<auth::Principal> principal = authenticator_->Authenticate(
      call.Credentials(), auth::kScopeAdminIntegrators);
  if (!principal.ok()) return call.Finish(principal.status());
  auto answer = [call, response, store = store_](absl::Status spent) {
    if (absl::IsAlreadyExists(spent)) {
      call.Finish(auth::ReplayedSignatureError(auth::kScopeAdminIntegrators));
      return;
    }
    if (!spent.ok()) {
      call.Finish(
          absl::UnavailableError("the service is unavailable; retry later"));
      return;
    }
    const StoreStats stats = store->Stats();
    response->set_backend(stats.backend);
    response->set_journal_mode(stats.journal_mode);
    response->set_synchronous(stats.synchronous);
    response->set_commits(stats.commits);
    response->set_updates(stats.updates);
    call.Finish(absl::OkStatus());
  };
  // A signed request's signature is spent before it is answered.
  if (principal->signature_use.has_value()) {
    store_->RecordSignatureUse(std::move(*principal->signature_use),
                               std::move(answer));
  } else {
    answer(absl::OkStatus());
  }
  return call.reactor();
}

}  // namespace integrator::service
