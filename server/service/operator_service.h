// integrator.v1.OperatorService: read-only introspection for operators,
// reachable over gRPC alone (it has no HTTP rule).
//
// Contract: GetStoreStats needs the scope admin:integrators and reports the
// store's live settings and its commit and update counters.
//
// EXAMPLE:
//   OperatorServiceImpl ops(&store, &authenticator);
//   builder.RegisterService(&ops);
#ifndef INTEGRATOR_SERVER_SERVICE_OPERATOR_SERVICE_H_
#define INTEGRATOR_SERVER_SERVICE_OPERATOR_SERVICE_H_

#include "integrator/v1/operator.grpc.pb.h"
#include "server/auth/authenticator.h"
#include "server/store/store.h"

namespace integrator::service {

class OperatorServiceImpl final
    : public integrator::v1::OperatorService::CallbackService {
 public:
  OperatorServiceImpl(Store* store, const auth::Authenticator* authenticator)
      : store_(store), authenticator_(authenticator) {}

  grpc::ServerUnaryReactor* GetStoreStats(
      grpc::CallbackServerContext* context,
      const integrator::v1::GetStoreStatsRequest* request,
      integrator::v1::StoreStats* response) override;

 private:
  Store* store_;
  const auth::Authenticator* authenticator_;
};

}  // namespace integrator::service

#endif  // INTEGRATOR_SERVER_SERVICE_OPERATOR_SERVICE_H_
