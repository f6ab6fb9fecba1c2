// The scopes a credential can carry, and the realm of every challenge.
//
// Contract: scopes are fixed strings; a credential holds a set of them, and
// each RPC names the one it needs. `admin:integrators` additionally lets an
// internal caller name any integrator; `gateway:forward` marks a remote
// gateway whose forwarded request facts are trusted.
//
// EXAMPLE:
//   if (!IsKnownScope(s)) return absl::InvalidArgumentError("unknown scope");
#ifndef INTEGRATOR_SERVER_AUTH_SCOPES_H_
#define INTEGRATOR_SERVER_AUTH_SCOPES_H_

#include "absl/strings/string_view.h"

namespace integrator::auth {

inline constexpr absl::string_view kRealm = "integrator-api";
inline constexpr absl::string_view kScopeWriteWebhookSecret =
    "write:webhook-secret";
inline constexpr absl::string_view kScopeAdminIntegrators = "admin:integrators";
inline constexpr absl::string_view kScopeGatewayForward = "gateway:forward";

inline bool IsKnownScope(absl::string_view scope) {
  return scope == kScopeWriteWebhookSecret || scope == kScopeAdminIntegrators ||
         scope == kScopeGatewayForward;
}

}  // namespace integrator::auth

#endif  // INTEGRATOR_SERVER_AUTH_SCOPES_H_
