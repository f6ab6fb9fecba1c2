// The one table that maps gRPC status codes to HTTP statuses
// (google/rpc/code.proto), and HTTP reason phrases.
//
// Contract: total over absl::StatusCode; unknown values map to 500. The
// gateway's own errors choose their HTTP status explicitly (see
// gateway_error.h) and only then bypass the table.
//
// EXAMPLE:
//   int http = HttpStatusForCode(absl::StatusCode::kUnauthenticated);  // 401
//   absl::string_view phrase = ReasonPhrase(http);  // "Unauthorized"
#ifndef GATEWAY_HTTP_STATUS_MAP_H_
#define GATEWAY_HTTP_STATUS_MAP_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gateway {

int HttpStatusForCode(absl::StatusCode code);

absl::string_view ReasonPhrase(int http_status);

}  // namespace gateway

#endif  // GATEWAY_HTTP_STATUS_MAP_H_
