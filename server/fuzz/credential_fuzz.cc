// Fuzzes everything that reads untrusted credential and secret bytes before
// any lookup: the UTF-8 secret validator, the API-key shape check, the
// request-id check, and the bearer parser (against an empty store).
#include <cstddef>
#include <cstdint>
#include <string>

#include "proto/rpc/request_id.h"
#include "server/auth/api_key.h"
#include "server/auth/authenticator.h"
#include "server/auth/scopes.h"
#include "server/service/webhook_secret_policy.h"
#include "server/store/memory_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  static integrator::MemoryStore* store = [] {
    static integrator::MemoryStore s;
    return &s;
  }();
  integrator::service::ValidateWebhookSecret(input).IgnoreError();
  (void)integrator::service::CountUtf8CodePoints(input);
  (void)integrator::service::IsValidIntegratorId(input);
  (void)integrator::auth::LooksLikeApiKey(input);
  (void)integrator::rpc::RequestIdFrom(input);
  static const integrator::SecretSealer sealer(
      integrator::MasterKey(std::string(32, 'k')));
  integrator::auth::Authenticator auth(store, &sealer);
  absl::StatusOr<integrator::auth::Principal> who =
      auth.Authenticate(input, integrator::auth::kScopeWriteWebhookSecret);
  // The same bytes as every signed-request header, as a gateway would pass.
  integrator::auth::CallCredentials signed_creds{input,   input, input, input,
                                                 "token", input, input, input};
  if (auth.Authenticate(signed_creds,
                        integrator::auth::kScopeWriteWebhookSecret)
          .ok()) {
    __builtin_trap();
  }
  // Nothing matches an empty store, so success would be a bug.
  if (who.ok()) __builtin_trap();
  return 0;
}
