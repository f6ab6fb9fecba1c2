// Which HTTP headers become gRPC metadata, and the internal keys through
// which the gateway reports facts about the raw request.
//
// Contract:
// - Only an allow-list is forwarded, keys lower-cased: authorization,
//   x-request-id, x-integrator-key, x-signature, x-timestamp, and
//   grpc-metadata-<key> (forwarded as <key>).
// - A forwarded key may hold only [a-z0-9._-] and a value only bytes
//   0x20-0x7E; anything else in an allow-listed header is InvalidArgument
//   (a 400), because gRPC aborts the process on illegal metadata.
// - Keys starting with `grpc-` or with the internal prefix are dropped,
//   never forwarded from clients, whatever header carried them.
// - At most kMaxForwardedHeaders values, each at most kMaxHeaderValueBytes
//   (else 400), and kMaxForwardedBytes in all (else 431).
//
// EXAMPLE:
//   absl::StatusOr<HeaderList> metadata = ForwardableMetadata(request.headers);
//   if (!metadata.ok()) return RenderProblem(metadata.status(), ...);
#ifndef GATEWAY_HEADER_POLICY_H_
#define GATEWAY_HEADER_POLICY_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/http_message.h"
#include "proto/rpc/gateway_metadata.h"

namespace gateway {

// Facts the gateway adds for signed requests; a server trusts them only from
// a trusted gateway (DESIGN.md, "The gateway's headers and metadata").
using integrator::rpc::kGatewayBodyHashKey;
using integrator::rpc::kGatewayCredentialKey;
using integrator::rpc::kGatewayKeyPrefix;
using integrator::rpc::kGatewayMethodKey;
using integrator::rpc::kGatewayPathKey;
using integrator::rpc::kSignatureKey;

inline constexpr size_t kMaxForwardedHeaders = 32;
inline constexpr size_t kMaxHeaderValueBytes = 4096;
// gRPC's HTTP/2 transport refuses header lists past 8 KiB by default; a
// larger set is answered here as a 431 rather than upstream as a 429.
inline constexpr size_t kMaxForwardedBytes = 8192;

bool IsValidMetadataKey(absl::string_view key);
bool IsValidMetadataValue(absl::string_view value);

absl::StatusOr<HeaderList> ForwardableMetadata(const HeaderList& headers);

}  // namespace gateway

#endif  // GATEWAY_HEADER_POLICY_H_
