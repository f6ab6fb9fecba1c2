// Turns the `authorization` metadata of a call into a Principal, or into the
// rich UNAUTHENTICATED / PERMISSION_DENIED status the gateway renders as a 401
// or 403 problem.
//
// Contract:
// - Accepts `Bearer <api key>`; the scheme is case-insensitive (RFC 9110).
// - No credential: UNAUTHENTICATED, reason MISSING_CREDENTIALS. A malformed,
//   unknown or revoked key: UNAUTHENTICATED, reason INVALID_TOKEN (one reason
//   for all three, so a caller cannot probe which keys exist). A valid key
//   without `required_scope`: PERMISSION_DENIED, reason INSUFFICIENT_SCOPE.
// - Every such status carries ErrorInfo (domain "auth") with metadata
//   `realm` and `scope`. Messages never echo the presented token.
// - A store failure is UNAVAILABLE/INTERNAL without details.
// Thread-safe; the Store must outlive the Authenticator.
//
// EXAMPLE:
//   Authenticator auth(&store);
//   absl::StatusOr<Principal> who =
//       auth.Authenticate(authorization_header, kScopeWriteWebhookSecret);
//   if (!who.ok()) return who.status();
#ifndef INTEGRATOR_SERVER_AUTH_AUTHENTICATOR_H_
#define INTEGRATOR_SERVER_AUTH_AUTHENTICATOR_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/principal.h"
#include "server/store/store.h"

namespace integrator::auth {

// Longer authorization values are rejected before any parsing.
inline constexpr size_t kMaxAuthorizationBytes = 1024;

class Authenticator {
 public:
  explicit Authenticator(Store* store) : store_(store) {}

  absl::StatusOr<Principal> Authenticate(
      std::optional<absl::string_view> authorization,
      absl::string_view required_scope) const;

 private:
  Store* store_;
};

}  // namespace integrator::auth

#endif  // INTEGRATOR_SERVER_AUTH_AUTHENTICATOR_H_
