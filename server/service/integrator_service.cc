#include "server/service/integrator_service.h"

#include "server/rpc/unary_call.h"

namespace integrator::service {

grpc::ServerUnaryReactor* IntegratorServiceImpl::UpdateWebhookSecret(
    grpc::CallbackServerContext* context,
    const integrator::v1::UpdateWebhookSecretRequest* request,
    integrator::v1::UpdateWebhookSecretResponse* response) {
  rpc::UnaryCall call(context, "UpdateWebhookSecret");
  core_->UpdateWebhookSecret(
      call.Context(), *request, response,
      [call](absl::Status status) { call.Finish(status); });
  return call.reactor();
}

}  // namespace integrator::service
