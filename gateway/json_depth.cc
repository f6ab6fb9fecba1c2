#include "gateway/json_depth.h"

#include "gateway/gateway_error.h"

namespace gateway {

absl::Status CheckJsonDepth(absl::string_view json, int max_depth) {
  int depth = 0;
  // The quote that opened the string we are in, or 0. Protobuf's JSON
  // parser also takes single-quoted strings, so the scan must too: else
  // brackets after a lone '"' inside one would go uncounted.
  char quote = 0;
  bool escaped = false;
  for (const char c : json) {
    if (quote != 0) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    switch (c) {
      case '"':
      case '\'':
        quote = c;
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
