// integrator.v1.IntegratorService over the gRPC callback API: a thin
// adapter from a gRPC call to the transport-free core
// (core/integrator_core.h), which holds the RPC's logic and contract.
//
// Contract: each method builds the call's CallContext from its metadata,
// calls the core, and finishes the call (status with its details, and the
// log line) when the core is done, possibly on a store thread. The core
// must outlive the service.
//
// EXAMPLE:
//   IntegratorServiceImpl service(&core);
//   builder.RegisterService(&service);
#ifndef INTEGRATOR_SERVER_SERVICE_INTEGRATOR_SERVICE_H_
#define INTEGRATOR_SERVER_SERVICE_INTEGRATOR_SERVICE_H_

#include "integrator/v1/integrator.grpc.pb.h"
#include "server/core/integrator_core.h"

namespace integrator::service {

class IntegratorServiceImpl final
    : public integrator::v1::IntegratorService::CallbackService {
 public:
  explicit IntegratorServiceImpl(const core::IntegratorCore* core)
      : core_(core) {}

  grpc::ServerUnaryReactor* UpdateWebhookSecret(
      grpc::CallbackServerContext* context,
      const integrator::v1::UpdateWebhookSecretRequest* request,
      integrator::v1::UpdateWebhookSecretResponse* response) override;

 private:
  const core::IntegratorCore* core_;
};

}  // namespace integrator::service

#endif  // INTEGRATOR_SERVER_SERVICE_INTEGRATOR_SERVICE_H_
