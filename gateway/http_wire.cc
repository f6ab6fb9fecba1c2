#include "gateway/http_wire.h"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/gateway_error.h"

namespace gateway {

namespace http = boost::beast::http;

void CopyHeaders(const http::fields& fields, HeaderList& headers) {
  for (const auto& field : fields) {
    const auto name = field.name_string();
    const auto value = field.value();
    headers.emplace_back(
        absl::AsciiStrToLower(absl::string_view(name.data(), name.size())),
        std::string(value.data(), value.size()));
  }
}

HttpRequest ToHttpRequest(BeastRequest message) {
  HttpRequest request;
  const auto method = message.method_string();
  const auto target = message.target();
  request.method.assign(method.data(), method.size());
  request.target.assign(target.data(), target.size());
  CopyHeaders(message, request.headers);
  request.body = std::move(message.body());
  return request;
}

absl::StatusOr<HttpRequest> ParseRawRequest(absl::string_view bytes,
                                            const WireLimits& limits) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t offset = 0;
  while (offset < bytes.size() && !parser.is_done()) {
    const size_t used = parser.put(
        boost::asio::const_buffer(bytes.data() + offset, bytes.size() - offset),
        ec);
    if (ec == http::error::need_more) break;
    if (ec) break;
    if (used == 0) break;
    offset += used;
  }
  if (!ec && !parser.is_done()) {
    parser.put_eof(ec);
  }
  if (ec == http::error::header_limit) {
    return GatewayError(431, "HEADERS_TOO_LARGE",
                        absl::StrCat("the request headers exceed ",
                                     limits.max_header_bytes, " bytes"));
  }
  if (ec == http::error::body_limit) {
    return GatewayError(413, "PAYLOAD_TOO_LARGE",
                        absl::StrCat("the request body exceeds ",
                                     limits.max_body_bytes, " bytes"));
  }
  if (ec && ec != http::error::need_more) {
    return GatewayError(400, "MALFORMED_REQUEST",
                        "the HTTP request is malformed");
  }
  if (!parser.is_done()) {
    return GatewayError(408, "REQUEST_TIMEOUT",
                        "the request was not received in time");
  }
  return ToHttpRequest(parser.release());
}

}  // namespace gateway
