// What a call presents to prove who it is, gathered from its metadata before
// authentication: a Bearer key, or the public contract's signed-request
// headers plus the facts about the raw HTTP request that only a trusted
// gateway can vouch for.
//
// Contract: values are views into the call's metadata and live as long as
// the call. Absent headers are nullopt. The `gateway_*` facts are believed
// only from the embedded gateway (`via_embedded_gateway`, which only the
// composition root's direct path sets, never metadata) or when
// `gateway_credential` is a key with the scope gateway:forward (see
// Authenticator).
//
// EXAMPLE:
//   CallCredentials creds = CallCredentials::From(
//       [&](absl::string_view key) { return call.Metadata(key); });
#ifndef INTEGRATOR_SERVER_AUTH_CALL_CREDENTIALS_H_
#define INTEGRATOR_SERVER_AUTH_CALL_CREDENTIALS_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "proto/rpc/gateway_metadata.h"

namespace integrator::auth {

using rpc::kGatewayBodyHashKey;
using rpc::kGatewayCredentialKey;
using rpc::kGatewayMethodKey;
using rpc::kGatewayPathKey;

struct CallCredentials {
  std::optional<absl::string_view> authorization;
  std::optional<absl::string_view> integrator_key;
  std::optional<absl::string_view> signature;
  std::optional<absl::string_view> timestamp;
  std::optional<absl::string_view> gateway_credential;
  std::optional<absl::string_view> gateway_method;
  std::optional<absl::string_view> gateway_path;
  std::optional<absl::string_view> gateway_body_sha256;
  // The call came from this process's own REST gateway: trust comes from
  // the call path itself.
  bool via_embedded_gateway = false;

  template <typename Lookup>
  static CallCredentials From(const Lookup& metadata) {
    return CallCredentials{
        metadata("authorization"),       metadata("x-integrator-key"),
        metadata(rpc::kSignatureKey),    metadata("x-timestamp"),
        metadata(kGatewayCredentialKey), metadata(kGatewayMethodKey),
        metadata(kGatewayPathKey),       metadata(kGatewayBodyHashKey)};
  }

  // The gateway's rule too: a request is signed exactly when it carries
  // X-Signature, so both sides agree on when the facts are needed.
  bool IsSignedRequest() const { return signature.has_value(); }
};

}  // namespace integrator::auth

#endif  // INTEGRATOR_SERVER_AUTH_CALL_CREDENTIALS_H_
