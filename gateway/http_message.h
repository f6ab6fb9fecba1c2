// The gateway's view of one HTTP exchange, independent of the HTTP library,
// so the transcoder can be tested and fuzzed without sockets.
//
// Contract: header names are lower-case; values are the raw bytes received
// (validation is the header policy's job). `target` is the request-target
// exactly as sent: path plus optional `?query`.
//
// EXAMPLE:
//   HttpRequest req{"PUT", "/v1/integrator/webhook-secret",
//                   {{"content-type", "application/json"}},
//                   R"({"secret":"x"})"};
//   std::optional<absl::string_view> type = req.Header("content-type");
#ifndef GATEWAY_HTTP_MESSAGE_H_
#define GATEWAY_HTTP_MESSAGE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace gateway {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string target;
  HeaderList headers;
  std::string body;

  // The first value of a (lower-case) header, if present.
  std::optional<absl::string_view> Header(absl::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return absl::string_view(value);
    }
    return std::nullopt;
  }
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
};

}  // namespace gateway

#endif  // GATEWAY_HTTP_MESSAGE_H_
