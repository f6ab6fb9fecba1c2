// The gateway's own errors (no route, wrong method, bad body, limits), as
// absl::Status values that travel through the same problem rendering as
// upstream errors.
//
// Contract: each carries an ErrorInfo with domain "gateway" and a reason
// (so its problem type is `urn:problem-type:gateway:<reason>`), plus an
// explicit HTTP status where no gRPC code has one (405, 408, 413, 415, 431).
// Detail texts are fixed strings written here; callers never pass input
// bytes or parser messages.
//
// EXAMPLE:
//   return GatewayError(413, "PAYLOAD_TOO_LARGE",
//                       "the request body exceeds 65536 bytes");
//   std::optional<int> http = HttpStatusOverride(status);  // 413
#ifndef GATEWAY_GATEWAY_ERROR_H_
#define GATEWAY_GATEWAY_ERROR_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace gateway {

// `http_status` must be one of 400, 404, 405, 408, 413, 415, 431, 500, 501,
// 503 or 504; the matching gRPC code is chosen from it.
absl::Status GatewayError(int http_status, absl::string_view reason,
                          absl::string_view detail);

// A 400 that names the offending field (a BadRequest violation).
absl::Status GatewayFieldError(absl::string_view field,
                               absl::string_view detail);

// A 400 for a field the request message does not have. The field path is
// named only when it is plainly an identifier path ([A-Za-z0-9_.], at most
// 128 bytes); anything else is input that must not be echoed, and the text
// says only that `where` ("request body", "query", ...) has an unknown field.
absl::Status GatewayUnknownFieldError(absl::string_view path,
                                      absl::string_view where);

std::optional<int> HttpStatusOverride(const absl::Status& status);

}  // namespace gateway

#endif  // GATEWAY_GATEWAY_ERROR_H_
