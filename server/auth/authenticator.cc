#include "server/auth/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "proto/rpc/status_details.h"
#include "server/auth/api_key.h"
#include "server/auth/request_signature.h"
#include "server/auth/scopes.h"
#include "server/crypto/digest.h"
#include "server/crypto/random.h"

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

// What every caller sees when the store or the sealer fails: no details.
absl::Status CredentialsUnavailable() {
  return rpc::WithRetryInfo(
      absl::UnavailableError("credentials cannot be checked right now"),
      absl::Seconds(1));
}

bool IsSigningKeyId(absl::string_view id) {
  if (!absl::ConsumePrefix(&id, "int_") || id.empty() || id.size() > 64) {
    return false;
  }
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Principal> Authenticator::Authenticate(
    const CallCredentials& credentials,
    absl::string_view required_scope) const {
  absl::StatusOr<Principal> principal =
      credentials.IsSignedRequest()
          ? AuthenticateSigned(credentials, required_scope)
          : AuthenticateBearer(credentials.authorization, required_scope);
  if (!principal.ok()) return principal;
  if (!principal->HasScope(required_scope)) {
    return AuthError(absl::PermissionDeniedError(
                         "the credential lacks the scope this call needs"),
                     "INSUFFICIENT_SCOPE", required_scope);
  }
  return principal;
}

absl::StatusOr<Principal> Authenticator::AuthenticateBearer(
    std::optional<absl::string_view> authorization,
    absl::string_view required_scope) const {
  if (!authorization.has_value() ||
      absl::StripAsciiWhitespace(*authorization).empty()) {
    return AuthError(absl::UnauthenticatedError("Bearer token required"),
                     "MISSING_CREDENTIALS", required_scope);
  }
  // Built only when needed: error details cost more than the happy path.
  auto invalid = [required_scope] {
    return AuthError(absl::UnauthenticatedError("the API key is not valid"),
                     "INVALID_TOKEN", required_scope);
  };
  if (authorization->size() > kMaxAuthorizationBytes) return invalid();
  std::optional<absl::string_view> token = BearerToken(*authorization);
  if (!token.has_value()) return invalid();
  absl::StatusOr<std::optional<ApiKeyRecord>> key = FindLiveApiKey(*token);
  if (!key.ok()) return key.status();
  if (!key->has_value()) return invalid();
  const ApiKeyRecord& record = **key;
  return Principal{record.key_id, record.integrator_id, record.service_name,
                   record.scopes, std::nullopt};
}

absl::StatusOr<std::optional<ApiKeyRecord>> Authenticator::FindLiveApiKey(
    absl::string_view api_key) const {
  if (!LooksLikeApiKey(api_key)) return std::nullopt;
  absl::StatusOr<ApiKeyRecord> key =
      store_->FindApiKeyByHash(HashApiKey(api_key));
  if (absl::IsNotFound(key.status())) return std::nullopt;
  if (!key.ok()) return CredentialsUnavailable();
  if (key->revoked_at_ms.has_value()) return std::nullopt;
  return std::move(*key);
}

absl::StatusOr<bool> Authenticator::IsTrustedGateway(
    std::optional<absl::string_view> credential) const {
  if (!credential.has_value() || credential->size() > kMaxAuthorizationBytes) {
    return false;
  }
  absl::StatusOr<std::optional<ApiKeyRecord>> key = FindLiveApiKey(*credential);
  if (!key.ok()) return key.status();
  if (!key->has_value()) return false;
  for (const std::string& scope : (*key)->scopes) {
    if (scope == kScopeGatewayForward) return true;
  }
  return false;
}

absl::StatusOr<Principal> Authenticator::AuthenticateSigned(
    const CallCredentials& c, absl::string_view required_scope) const {
  auto signature_error = [&](absl::string_view message) {
    return AuthError(absl::UnauthenticatedError(message), "INVALID_SIGNATURE",
                     required_scope);
  };
  if (!c.integrator_key.has_value() || !c.signature.has_value() ||
      !c.timestamp.has_value()) {
    return signature_error(
        "signed requests need X-Integrator-Key, X-Signature and X-Timestamp");
  }
  // Without a trusted gateway's account of the raw request there is nothing
  // to check the signature against; a caller's own claims are not evidence.
  absl::StatusOr<bool> trusted = c.via_embedded_gateway
                                     ? absl::StatusOr<bool>(true)
                                     : IsTrustedGateway(c.gateway_credential);
  if (!trusted.ok()) return trusted.status();
  if (!*trusted || !c.gateway_method.has_value() ||
      !c.gateway_path.has_value() || !c.gateway_body_sha256.has_value()) {
    return signature_error(
        "signed requests are accepted only through the REST API");
  }
  const std::optional<int64_t> timestamp_ms =
      FreshTimestampMs(*c.timestamp, absl::Now());
  if (!timestamp_ms.has_value()) {
    return AuthError(
        absl::UnauthenticatedError(
            "X-Timestamp must be Unix milliseconds within 5 minutes "
            "of the server's clock"),
        "STALE_TIMESTAMP", required_scope);
  }
  auto invalid_key = [required_scope] {
    return AuthError(
        absl::UnauthenticatedError("the integrator key is not valid"),
        "INVALID_TOKEN", required_scope);
  };
  if (!IsSigningKeyId(*c.integrator_key)) return invalid_key();
  absl::StatusOr<SigningKeyRecord> key =
      store_->FindSigningKey(*c.integrator_key);
  if (absl::IsNotFound(key.status())) return invalid_key();
  if (!key.ok()) {
    return CredentialsUnavailable();
  }
  if (key->revoked_at_ms.has_value()) return invalid_key();
  absl::StatusOr<std::string> api_secret = sealer_->Open(
      SealPurpose::kApiSecret, ApiSecretRowId(key->integrator_id, key->key_id),
      key->sealed_secret);
  if (!api_secret.ok()) {
    return CredentialsUnavailable();
  }
  const bool valid = VerifyRequestSignature(
      *api_secret, *c.timestamp, *c.gateway_method, *c.gateway_path,
      *c.gateway_body_sha256, *c.signature);
  std::string secret_copy = std::move(*api_secret);
  crypto::Wipe(secret_copy);
  if (!valid) return signature_error("the request signature does not match");

  // Remembered until it could no longer pass the window check; the handler
  // spends it in the store together with the call's write.
  Principal principal{key->key_id, key->integrator_id, "", key->scopes,
                      std::nullopt};
  principal.signature_use = SignatureUse{
      absl::StrCat(key->key_id, ":", *ParseSignatureHeader(*c.signature)),
      *timestamp_ms + absl::ToInt64Milliseconds(kSignatureWindow) + 1000};
  return principal;
}

absl::Status ReplayedSignatureError(absl::string_view required_scope) {
  return AuthError(
      absl::UnauthenticatedError(
          "this request signature was already used, or expired before it "
          "could be"),
      "REPLAYED_SIGNATURE", required_scope);
}

}  // namespace integrator::auth
