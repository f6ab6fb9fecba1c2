#include "server/core/integrator_core.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "proto/rpc/status_details.h"
#include "server/auth/scopes.h"
#include "server/core/public_errors.h"
#include "server/crypto/secret_string.h"
#include "server/service/webhook_secret_policy.h"

namespace integrator::core {

void IntegratorCore::UpdateWebhookSecret(
    const CallContext& context, const v1::UpdateWebhookSecretRequest& request,
    v1::UpdateWebhookSecretResponse* response, Done done) const {
  absl::StatusOr<auth::Principal> principal = authenticator_->Authenticate(
      context.Credentials(), auth::kScopeWriteWebhookSecret);
  if (!principal.ok()) return done(principal.status());
  if (absl::Status s = service::ValidateWebhookSecret(request.secret());
      !s.ok()) {
    return done(s);
  }
  absl::StatusOr<absl::Duration> keep_previous =
      service::PreviousSecretTtl(request);
  if (!keep_previous.ok()) return done(keep_previous.status());
  absl::StatusOr<std::string> target =
      service::ResolveTargetIntegrator(*principal, request.integrator_id());
  if (!target.ok()) return done(target.status());
  const int64_t keep_previous_until_ms =
      *keep_previous > absl::ZeroDuration()
          ? absl::ToUnixMillis(absl::Now() + std::min(*keep_previous,
                                                      previous_secret_ttl_cap_))
          : 0;

  const SecretSealer* sealer = sealer_;
  const bool is_signed = principal->signature_use.has_value();
  store_->UpdateWebhookSecret(
      *target,
      [sealer, id = *target, secret = crypto::SecretString(request.secret())](
          int64_t version) -> absl::StatusOr<SealedSecret> {
        return sealer->Seal(SealPurpose::kWebhookSecret, id, version,
                            secret.view());
      },
      [done = std::move(done), response, id = *target, is_signed,
       request_id = context.request_id()](absl::Status status) mutable {
        if (status.ok()) {
          response->set_secret_configured(true);
          done(absl::OkStatus());
        } else if (is_signed && absl::IsAlreadyExists(status)) {
          done(auth::ReplayedSignatureError(auth::kScopeWriteWebhookSecret));
        } else {
          done(PublicStoreError(status, {"integrator", id}, id, request_id));
        }
      },
      std::move(principal->signature_use), keep_previous_until_ms);
}

void IntegratorCore::GetStoreStats(const CallContext& context,
                                   const v1::GetStoreStatsRequest& /*request*/,
                                   v1::StoreStats* response, Done done) const {
  absl::StatusOr<auth::Principal> principal = authenticator_->Authenticate(
      context.Credentials(), auth::kScopeAdminIntegrators);
  if (!principal.ok()) return done(principal.status());
  auto answer = [done = std::move(done), response,
                 store = store_](absl::Status spent) mutable {
    if (absl::IsAlreadyExists(spent)) {
      return done(auth::ReplayedSignatureError(auth::kScopeAdminIntegrators));
    }
    if (!spent.ok()) {
      return done(ServiceUnavailable());
    }
    const StoreStats stats = store->Stats();
    response->set_backend(stats.backend);
    response->set_journal_mode(stats.journal_mode);
    response->set_synchronous(stats.synchronous);
    response->set_commits(stats.commits);
    response->set_updates(stats.updates);
    done(absl::OkStatus());
  };
  // A signed request's signature is spent before it is answered.
  if (principal->signature_use.has_value()) {
    store_->RecordSignatureUse(std::move(*principal->signature_use),
                               std::move(answer));
  } else {
    answer(absl::OkStatus());
  }
}

}  // namespace integrator::core
