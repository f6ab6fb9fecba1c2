// Renders any error status — an upstream gRPC status with google.rpc
// details, or the gateway's own — as an RFC 9457 problem response.
//
// Contract (DESIGN.md, "Errors"):
// - HTTP status: the gateway's explicit override, else the code.proto table.
// - `type`: urn:problem-type:<domain>:<reason in kebab-case> from ErrorInfo,
//   else about:blank. `title`: the reason in words, else the reason phrase.
// - ErrorInfo metadata become extension members (realm, scope, ...);
//   ResourceInfo becomes resourceType/resourceId; BadRequest becomes `field`
//   and `errors[]`, with field paths translated to JSON names through
//   `request_type`; RetryInfo becomes Retry-After and `retryable: true`;
//   `instance` is urn:uuid:<request id>.
// - 401 and 403 carry an RFC 6750 Bearer challenge.
// - 5xx answers never carry upstream text: their detail is fixed here.
// - Content-Type is application/problem+json unless `accept` excludes both it
//   and */*, in which case application/json.
// Thread-safe: no state.
//
// EXAMPLE:
//   HttpResponse r = RenderProblem(status, {.request_id = id,
//                                           .accept = accept_header,
//                                           .request_type =
//                                           method->input_type()});
#ifndef GATEWAY_PROBLEM_RENDERER_H_
#define GATEWAY_PROBLEM_RENDERER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/http_message.h"
#include "google/protobuf/descriptor.h"

namespace gateway {

struct ProblemContext {
  absl::string_view request_id;
  absl::string_view accept;
  // For JSON names of BadRequest fields; may be null.
  const google::protobuf::Descriptor* request_type = nullptr;
};

HttpResponse RenderProblem(const absl::Status& status,
                           const ProblemContext& context);

// "INVALID_TOKEN" -> "invalid-token"; empty if `reason` is not UPPER_SNAKE.
std::string KebabReason(absl::string_view reason);

}  // namespace gateway

#endif  // GATEWAY_PROBLEM_RENDERER_H_
