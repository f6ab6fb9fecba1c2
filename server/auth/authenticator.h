// Turns a call's credentials into a Principal, or into the rich
// UNAUTHENTICATED / PERMISSION_DENIED status the gateway renders as a 401 or
// 403 problem.
//
// Contract:
// - Bearer: `authorization: Bearer <api key>`, scheme case-insensitive.
// - Signed requests (the public contract's hmacAuth): X-Integrator-Key,
//   X-Signature and X-Timestamp, verified against the integrator's sealed API
//   secret in constant time, over the method, raw path and body hash that a
//   trusted gateway reports. The embedded gateway is trusted by its call
//   path (CallCredentials::via_embedded_gateway); a remote one when its
//   x-gateway-credential is an API key with the scope gateway:forward. The
//   Principal of a signed request carries its SignatureUse; the handler spends
//   it in the store (with its write, asynchronously) so each signature is
//   accepted once, across restarts. Authentication itself never writes or
//   blocks on a commit.
// - Reasons (ErrorInfo domain "auth", with `realm` and `scope` metadata):
//   MISSING_CREDENTIALS, INVALID_TOKEN (malformed, unknown or revoked — one
//   reason, so keys cannot be probed), INVALID_SIGNATURE, STALE_TIMESTAMP,
//   REPLAYED_SIGNATURE, and INSUFFICIENT_SCOPE (403).
// - Messages never echo a presented token or signature. A store failure is
//   UNAVAILABLE without details.
// Thread-safe; store and sealer must outlive it.
//
// EXAMPLE:
//   Authenticator auth(&store, &sealer);
//   absl::StatusOr<Principal> who = auth.Authenticate(creds,
//   kScopeWriteWebhookSecret);
#ifndef INTEGRATOR_SERVER_AUTH_AUTHENTICATOR_H_
#define INTEGRATOR_SERVER_AUTH_AUTHENTICATOR_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/call_credentials.h"
#include "server/auth/principal.h"
#include "server/sealing/secret_sealer.h"
#include "server/store/credential_store.h"

namespace integrator::auth {

// Longer credential values are rejected before any parsing.
inline constexpr size_t kMaxAuthorizationBytes = 1024;

class Authenticator {
 public:
  Authenticator(CredentialStore* store, const SecretSealer* sealer)
      : store_(store), sealer_(sealer) {}

  absl::StatusOr<Principal> Authenticate(
      const CallCredentials& credentials,
      absl::string_view required_scope) const;

  // Bearer-only convenience, for callers without signed requests.
  absl::StatusOr<Principal> Authenticate(
      std::optional<absl::string_view> authorization,
      absl::string_view required_scope) const {
    CallCredentials credentials;
    credentials.authorization = authorization;
    return Authenticate(credentials, required_scope);
  }

 private:
  absl::StatusOr<Principal> AuthenticateBearer(
      std::optional<absl::string_view> authorization,
      absl::string_view required_scope) const;
  absl::StatusOr<Principal> AuthenticateSigned(
      const CallCredentials& credentials,
      absl::string_view required_scope) const;
  absl::StatusOr<bool> IsTrustedGateway(
      std::optional<absl::string_view> credential) const;
  // The key's record if it is well-formed, known and not revoked; nullopt
  // otherwise; UNAVAILABLE when the store cannot tell.
  absl::StatusOr<std::optional<ApiKeyRecord>> FindLiveApiKey(
      absl::string_view api_key) const;

  CredentialStore* store_;
  const SecretSealer* sealer_;
};

// The status of a signed request whose signature the store has seen before
// (the store answered AlreadyExists when the handler spent it).
absl::Status ReplayedSignatureError(absl::string_view required_scope);

}  // namespace integrator::auth

#endif  // INTEGRATOR_SERVER_AUTH_AUTHENTICATOR_H_
