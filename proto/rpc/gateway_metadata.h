// The metadata keys through which a REST gateway tells a gRPC server about
// the raw HTTP request, and proves it may. Both sides include this file, so
// the trust-critical names are written once.
//
// Contract: the gateway strips any client-sent key with kGatewayKeyPrefix and
// adds its own; a server believes the facts only when kGatewayCredentialKey
// carries a credential it trusts. A request counts as signed exactly when it
// carries kSignatureKey.
//
// EXAMPLE:
//   context.AddMetadata(std::string(kGatewayPathKey), raw_target);
#ifndef INTEGRATOR_PROTO_RPC_GATEWAY_METADATA_H_
#define INTEGRATOR_PROTO_RPC_GATEWAY_METADATA_H_

#include "absl/strings/string_view.h"

namespace integrator::rpc {

inline constexpr absl::string_view kGatewayKeyPrefix = "x-gateway-";
inline constexpr absl::string_view kGatewayCredentialKey =
    "x-gateway-credential";
inline constexpr absl::string_view kGatewayMethodKey = "x-gateway-http-method";
inline constexpr absl::string_view kGatewayPathKey = "x-gateway-http-path";
inline constexpr absl::string_view kGatewayBodyHashKey =
    "x-gateway-body-sha256";
inline constexpr absl::string_view kSignatureKey = "x-signature";

}  // namespace integrator::rpc

#endif  // INTEGRATOR_PROTO_RPC_GATEWAY_METADATA_H_
