#include "gateway/json_depth.h"

#include "gateway/gateway_error.h"

namespace gateway {

absl::Status CheckJsonDepth(absl::string_view json, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : json) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '{':
      case '[':
        if (++depth > max_depth) {
          return GatewayError(400, "INVALID_BODY",
                              "the request body is nested too deeply");
        }
        break;
      case '}':
      case ']':
        // Unbalanced closers are the parser's to refuse; never go negative.
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return absl::OkStatus();
}

}  // namespace gateway
