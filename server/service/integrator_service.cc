#include "server/service/integrator_service.h"

#include <iostream>
#include <string>
#include <utility>

#include "proto/rpc/status_details.h"
#include "server/auth/scopes.h"
#include "server/crypto/secret_string.h"
#include "server/rpc/unary_call.h"
#include "server/service/webhook_secret_policy.h"

namespace integrator::service {
namespace {

// Maps a store failure to what the caller may see: the store's own text stays
// in the server log, since it can name tables and files.
absl::Status PublicStoreError(const absl::Status& status,
                              absl::string_view integrator_id,
                              absl::string_view request_id) {
  if (absl::IsNotFound(status)) {
    return rpc::WithResourceInfo(
        rpc::WithErrorInfo(absl::NotFoundError("integrator not found"),
                           "INTEGRATOR_NOT_FOUND", "integrator"),
        "integrator", integrator_id);
  }
  if (absl::IsResourceExhausted(status)) {
    // The store's own text and RetryInfo are written for callers.
    return status;
  }
  std::cerr << "request_id=" << request_id
            << " store_error=" << status.ToString() << "\n";
  if (absl::IsUnavailable(status)) {
    return absl::UnavailableError("the service is unavailable; retry later");
  }
  return absl::InternalError("internal error");
}

}  // namespace

grpc::ServerUnaryReactor* IntegratorServiceImpl::UpdateWebhookSecret(
    grpc::CallbackServerContext* context,
    const integrator::v1::UpdateWebhookSecretRequest* request,
    integrator::v1::UpdateWebhookSecretResponse* response) {
  rpc::UnaryCall call(context, "UpdateWebhookSecret");
  absl::StatusOr<auth::Principal> principal = authenticator_->Authenticate(
      call.Credentials(), auth::kScopeWriteWebhookSecret);
  if (!principal.ok()) return call.Finish(principal.status());
  if (absl::Status s = ValidateWebhookSecret(request->secret()); !s.ok()) {
    return call.Finish(s);
  }
  absl::StatusOr<std::string> target =
      ResolveTargetIntegrator(*principal, request->integrator_id());
  if (!target.ok()) return call.Finish(target.status());

  const SecretSealer* sealer = sealer_;
  const bool is_signed = principal->signature_use.has_value();
  store_->UpdateWebhookSecret(
      *target,
      [sealer, id = *target, secret = crypto::SecretString(request->secret())](
          int64_t version) -> absl::StatusOr<SealedSecret> {
        return sealer->Seal(SealPurpose::kWebhookSecret, id, version,
                            secret.view());
      },
      [call, response, id = *target, is_signed](absl::Status status) {
        if (status.ok()) {
          response->set_secret_configured(true);
          call.Finish(absl::OkStatus());
        } else if (is_signed && absl::IsAlreadyExists(status)) {
          call.Finish(
              auth::ReplayedSignatureError(auth::kScopeWriteWebhookSecret));
        } else {
          call.Finish(PublicStoreError(status, id, call.request_id()));
        }
      },
      std::move(principal->signature_use));
  return call.reactor();
}

}  // namespace integrator::service
