#include "server/service/operator_service.h"

#include "server/rpc/unary_call.h"

namespace integrator::service {

grpc::ServerUnaryReactor* OperatorServiceImpl::GetStoreStats(
    grpc::CallbackServerContext* context,
    const integrator::v1::GetStoreStatsRequest* request,
    integrator::v1::StoreStats* response) {
  rpc::UnaryCall call(context, "GetStoreStats");
  core_->GetStoreStats(call.Context(), *request, response,
                       [call](absl::Status status) { call.Finish(status); });
  return call.reactor();
}

}  // namespace integrator::service
