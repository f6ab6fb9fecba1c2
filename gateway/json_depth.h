// A linear bound on JSON nesting, checked before any JSON parser runs.
//
// Protobuf 3.21's JSON parser spends time quadratic in the nesting depth
// before it fails (8,000 nested arrays: 2.4 s of CPU), and it runs before
// the request is authenticated. This scan reads each byte once, keeps no
// allocation, and refuses a document whose arrays and objects nest deeper
// than `max_depth`, so refusing any body up to the size limit costs time
// linear in its size.
//
// Contract: brackets inside strings (double- or single-quoted, as Protobuf's
// parser reads them; escapes included) do not count; the
// text is otherwise not validated (the real parser does that next), so a
// malformed document may pass. The error is a 400 GatewayError with a fixed
// text, never the input.
//
// EXAMPLE:
//   if (absl::Status s = CheckJsonDepth(body, kMaxJsonDepth); !s.ok())
//     return s;  // 400 "the request body is nested too deeply"
#ifndef GATEWAY_JSON_DEPTH_H_
#define GATEWAY_JSON_DEPTH_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gateway {

// Deep enough for any request message the gateway serves.
inline constexpr int kMaxJsonDepth = 32;

absl::Status CheckJsonDepth(absl::string_view json, int max_depth);

}  // namespace gateway

#endif  // GATEWAY_JSON_DEPTH_H_
