#include "server/auth/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "server/auth/api_key.h"
#include "server/auth/scopes.h"
#include "proto/rpc/status_details.h"

namespace integrator::auth {
namespace {

absl::Status AuthError(absl::Status status, absl::string_view reason,
                       absl::string_view scope) {
  return rpc::WithErrorInfo(std::move(status), reason, "auth",
                            {{"realm", kRealm}, {"scope", scope}});
}

// Returns the token of `Bearer <token>`, or nullopt for any other shape.
std::optional<absl::string_view> BearerToken(absl::string_view value) {
  constexpr absl::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme) ||
      value[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  absl::string_view token =
      absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace

absl::StatusOr<Principal> Authenticator::Authenticate(
    std::optional<absl::string_view> authorization,
    absl::string_view required_scope) const {
  if (!authorization.has_value() ||
      absl::StripAsciiWhitespace(*authorization).empty()) {
    return AuthError(absl::UnauthenticatedError("Bearer token required"),
                     "MISSING_CREDENTIALS", required_scope);
  }
  const absl::Status invalid = AuthError(
      absl::UnauthenticatedError("the API key is not valid"), "INVALID_TOKEN",
      required_scope);
  if (authorization->size() > kMaxAuthorizationBytes) return invalid;
  std::optional<absl::string_view> token = BearerToken(*authorization);
  if (!token.has_value() || !LooksLikeApiKey(*token)) return invalid;

  absl::StatusOr<ApiKeyRecord> key = store_->FindApiKeyByHash(HashApiKey(*token));
  if (absl::IsNotFound(key.status())) return invalid;
  if (!key.ok()) {
    return absl::UnavailableError("credentials cannot be checked right now");
  }
  if (key->revoked_at_ms.has_value()) return invalid;

  Principal principal{key->key_id, key->integrator_id, key->service_name,
                      key->scopes};
  if (!principal.HasScope(required_scope)) {
    return AuthError(absl::PermissionDeniedError(
                         "the API key lacks the scope this call needs"),
                     "INSUFFICIENT_SCOPE", required_scope);
  }
  return principal;
}

}  // namespace integrator::auth
