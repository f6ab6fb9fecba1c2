// integrator.v1.IntegratorService over the gRPC callback API. It knows no
// HTTP: the gateway reaches it through a channel like any other client.
//
// Contract: UpdateWebhookSecret authenticates (scope write:webhook-secret),
// validates, resolves the target integrator, seals the secret under the
// master key with the row's next version, and answers OK only when the
// store reports the write durable. Every failure is a rich status (see
// proto/rpc/status_details.h). The handler never blocks on a commit: the
// store's writer finishes the call. Store and sealer must outlive the
// service.
//
// EXAMPLE:
//   IntegratorServiceImpl service(&store, &sealer, &authenticator);
//   builder.RegisterService(&service);
#ifndef INTEGRATOR_SERVER_SERVICE_INTEGRATOR_SERVICE_H_
#define INTEGRATOR_SERVER_SERVICE_INTEGRATOR_SERVICE_H_

#include "integrator/v1/integrator.grpc.pb.h"
#include "server/auth/authenticator.h"
#include "server/sealing/secret_sealer.h"
#include "server/store/store.h"

namespace integrator::service {

class IntegratorServiceImpl final
    : public integrator::v1::IntegratorService::CallbackService {
 public:
  IntegratorServiceImpl(Store* store, const SecretSealer* sealer,
                        const auth::Authenticator* authenticator)
      : store_(store), sealer_(sealer), authenticator_(authenticator) {}

  grpc::ServerUnaryReactor* UpdateWebhookSecret(
      grpc::CallbackServerContext* context,
      const integrator::v1::UpdateWebhookSecretRequest* request,
      integrator::v1::UpdateWebhookSecretResponse* response) override;

 private:
  Store* store_;
  const SecretSealer* sealer_;
  const auth::Authenticator* authenticator_;
};

}  // namespace integrator::service

#endif  // INTEGRATOR_SERVER_SERVICE_INTEGRATOR_SERVICE_H_
