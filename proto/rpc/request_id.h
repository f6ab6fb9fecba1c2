// Request ids: every call gets one, so every log line and every problem
// `instance` can be traced to it.
//
// Contract: a client-supplied id is honoured only when it is a UUID in its
// canonical 8-4-4-4-12 hex form (so it is safe in logs and in a
// `urn:uuid:` URN); otherwise a new random (version 4) UUID is made.
//
// EXAMPLE:
//   std::string id = RequestIdFrom(metadata_value_or_nullopt);
#ifndef INTEGRATOR_PROTO_RPC_REQUEST_ID_H_
#define INTEGRATOR_PROTO_RPC_REQUEST_ID_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace integrator::rpc {

inline constexpr absl::string_view kRequestIdKey = "x-request-id";

bool IsCanonicalUuid(absl::string_view value);
std::string NewUuidV4();
std::string RequestIdFrom(std::optional<absl::string_view> supplied);

}  // namespace integrator::rpc

#endif  // INTEGRATOR_PROTO_RPC_REQUEST_ID_H_
