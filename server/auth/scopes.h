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
inline constexpr absl::string_view kScopeReadWebhooks = "read:webhooks";
inline constexpr absl::string_view kScopeWriteWebhooks = "write:webhooks";
inline constexpr absl::string_view kScopePublishEvents = "publish:events";
inline constexpr absl::string_view kScopeAdminIntegrators = "admin:integrators";
inline constexpr absl::string_view kScopeGatewayForward = "gateway:forward";

inline constexpr absl::string_view kAllScopes[] = {
    kScopeWriteWebhookSecret, kScopeReadWebhooks,     kScopeWriteWebhooks,
    kScopePublishEvents,      kScopeAdminIntegrators, kScopeGatewayForward};

// What an integrator's signing key may do unless told otherwise: every
// route of the public contract, which signs them all.
inline constexpr absl::string_view kDefaultSigningScopes[] = {
    kScopeWriteWebhookSecret, kScopeReadWebhooks, kScopeWriteWebhooks};

inline bool IsKnownScope(absl::string_view scope) {
  for (absl::string_view known : kAllScopes) {
    if (scope == known) return true;
  }
  return false;
}

}  // namespace integrator::auth

#endif  // INTEGRATOR_SERVER_AUTH_SCOPES_H_
