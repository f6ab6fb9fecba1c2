// What a call presents to prove who it is, gathered from its metadata before
// authentication: a Bearer key, or the public contract's signed-request
// headers plus the facts about the raw HTTP request that only a trusted
// gateway can vouch for.
//
// Contract: values are views into the call's metadata and live as long as
// the call. Absent headers are nullopt. The `gateway_*` facts are believed
// only when `gateway_credential` is valid (see Authenticator).
//
// EXAMPLE:
//   CallCredentials creds = CallCredentials::From(
//       [&](absl::string_view key) { return call.Metadata(key); });
#ifndef INTEGRATOR_SERVER_AUTH_CALL_CREDENTIALS_H_
#define INTEGRATOR_SERVER_AUTH_CALL_CREDENTIALS_H_

#include <optional>

#include "absl/strings/string_view.h"

namespace integrator::auth {

// The gateway's own metadata keys; clients' copies are stripped by the
// gateway's header policy before it adds its own.
inline constexpr absl::string_view kGatewayCredentialKey =
    "x-gateway-credential";
inline constexpr absl::string_view kGatewayMethodKey = "x-gateway-http-method";
inline constexpr absl::string_view kGatewayPathKey = "x-gateway-http-path";
inline constexpr absl::string_view kGatewayBodyHashKey =
    "x-gateway-body-sha256";

struct CallCredentials {
  std::optional<absl::string_view> authorization;
  std::optional<absl::string_view> integrator_key;
  std::optional<absl::string_view> signature;
  std::optional<absl::string_view> timestamp;
  std::optional<absl::string_view> gateway_credential;
  std::optional<absl::string_view> gateway_method;
  std::optional<absl::string_view> gateway_path;
  std::optional<absl::string_view> gateway_body_sha256;

  template <typename Lookup>
  static CallCredentials From(const Lookup& metadata) {
    return CallCredentials{
        metadata("authorization"),       metadata("x-integrator-key"),
        metadata("x-signature"),         metadata("x-timestamp"),
        metadata(kGatewayCredentialKey), metadata(kGatewayMethodKey),
        metadata(kGatewayPathKey),       metadata(kGatewayBodyHashKey)};
  }

  bool IsSignedRequest() const {
    return integrator_key.has_value() || signature.has_value() ||
           timestamp.has_value();
  }
};

}  // namespace integrator::auth

#endif  // INTEGRATOR_SERVER_AUTH_CALL_CREDENTIALS_H_
