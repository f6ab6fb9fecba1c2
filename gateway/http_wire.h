// Conversions between Beast's HTTP messages and the gateway's own
// HttpRequest, shared by the server's sessions and the HTTP fuzzer so both
// exercise the same code.
//
// Contract: header names are lower-cased, values kept byte for byte.
// ParseRawRequest parses one complete request from memory with the server's
// limits and maps parser failures to the same gateway errors the server
// answers (400, 413, 431); an incomplete request is a 408-style error.
//
// EXAMPLE:
//   absl::StatusOr<HttpRequest> request = ParseRawRequest(bytes, limits);
#ifndef GATEWAY_HTTP_WIRE_H_
#define GATEWAY_HTTP_WIRE_H_

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/http_message.h"

namespace gateway {

struct WireLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 64 * 1024;
};

using BeastRequest =
    boost::beast::http::request<boost::beast::http::string_body>;

HttpRequest ToHttpRequest(BeastRequest message);

// Appends `message`'s header fields, lower-cased, to `headers`.
void CopyHeaders(const boost::beast::http::fields& fields, HeaderList& headers);

absl::StatusOr<HttpRequest> ParseRawRequest(absl::string_view bytes,
                                            const WireLimits& limits);

}  // namespace gateway

#endif  // GATEWAY_HTTP_WIRE_H_
