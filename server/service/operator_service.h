// integrator.v1.OperatorService over the gRPC callback API: read-only
// introspection for operators, reachable over gRPC alone (it has no HTTP
// rule). A thin adapter to the core (core/integrator_core.h).
//
// Contract: as IntegratorServiceImpl; GetStoreStats needs the scope
// admin:integrators and reports the store's live settings and its commit
// and update counters.
//
// EXAMPLE:
//   OperatorServiceImpl ops(&core);
//   builder.RegisterService(&ops);
#ifndef INTEGRATOR_SERVER_SERVICE_OPERATOR_SERVICE_H_
#define INTEGRATOR_SERVER_SERVICE_OPERATOR_SERVICE_H_

#include "integrator/v1/operator.grpc.pb.h"
#include "server/core/integrator_core.h"

namespace integrator::service {

class OperatorServiceImpl final
    : public integrator::v1::OperatorService::CallbackService {
 public:
  explicit OperatorServiceImpl(const core::IntegratorCore* core)
      : core_(core) {}

  grpc::ServerUnaryReactor* GetStoreStats(
      grpc::CallbackServerContext* context,
      const integrator::v1::GetStoreStatsRequest* request,
      integrator::v1::StoreStats* response) override;

 private:
  const core::IntegratorCore* core_;
};

}  // namespace integrator::service

#endif  // INTEGRATOR_SERVER_SERVICE_OPERATOR_SERVICE_H_
