// Builds the gRPC request message of a matched route from the HTTP request:
// the body (JSON, or form fields), path variables and query parameters.
//
// Contract:
// - JSON is converted by Protobuf's JSON utilities (proto3 mapping; original
//   field names accepted too). Before that, the body must be valid UTF-8 and
//   valid JSON, and for `body: "*"` an object whose keys are all fields of
//   the request and whose values have the right JSON types; each of these
//   failures is a 400 with a fixed text, naming the field where there is one.
// - application/x-www-form-urlencoded fields map like query parameters and
//   must decode to valid UTF-8. multipart/form-data is a 415 that says so;
//   any other content type is a 415.
// - `body` may name any top-level field (http.proto): a singular message
//   takes a JSON object (or form fields); a repeated, map or scalar field
//   takes exactly one JSON value of its type. An empty body sets nothing,
//   as grpc-gateway and Envoy read it; the API's own validation decides
//   what was required.
// - Query parameters may set only fields that neither the body nor the path
//   sets; unknown ones are a 400. Bytes are base64; wrappers, Timestamp,
//   Duration and FieldMask take their JSON string forms (field_setter.h).
// - Path variables are set last and win, nested ones ({shelf.id}) included.
// No error text contains input bytes, apart from a field name that passed a
// strict [A-Za-z0-9_.] check. Thread-safe: no shared mutable state.
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<google::protobuf::Message>> message =
//       BindRequest(*match.method, content_type, body, match.query,
//                   match.bindings);
#ifndef GATEWAY_REQUEST_BINDER_H_
#define GATEWAY_REQUEST_BINDER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/path_matcher.h"
#include "gateway/route_table.h"
#include "google/protobuf/message.h"

namespace gateway {

inline constexpr size_t kMaxQueryParameters = 64;
inline constexpr size_t kMaxFormFields = 64;

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BindRequest(
    const RouteMethod& route, absl::string_view content_type,
    absl::string_view body, absl::string_view query,
    const std::vector<VariableBinding>& bindings);

}  // namespace gateway

#endif  // GATEWAY_REQUEST_BINDER_H_
