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
  const StoreStats stats = store_->Stats();
  response->set_backend(stats.backend);
  response->set_journal_mode(stats.journal_mode);
  response->set_synchronous(stats.synchronous);
  response->set_commits(stats.commits);
  response->set_updates(stats.updates);
  return call.Finish(absl::OkStatus());
}

}  // namespace integrator::service
