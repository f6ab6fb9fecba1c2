#include "gateway/http_wire.h"

#include <curl/curl.h>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
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

absl::Status CheckRequestFraming(const http::request_header<>& header) {
  const bool http11 = header.version() >= 11;
  const size_t hosts = header.count(http::field::host);
  if (hosts > 1 || (http11 && hosts == 0)) {
    return GatewayError(400, "INVALID_HOST",
                        "an HTTP/1.1 request needs exactly one Host header");
  }
  const auto encodings = header.equal_range(http::field::transfer_encoding);
  if (encodings.first == encodings.second) return absl::OkStatus();
  if (!http11) {
    return GatewayError(400, "MALFORMED_REQUEST",
                        "an HTTP/1.0 request cannot use Transfer-Encoding");
  }
  if (header.count(http::field::content_length) > 0) {
    return GatewayError(400, "MALFORMED_REQUEST",
                        "a request cannot have both Transfer-Encoding and "
                        "Content-Length");
  }
  size_t codings = 0;
  bool last_is_chunked = false;
  for (auto field = encodings.first; field != encodings.second; ++field) {
    for (const auto coding : http::token_list(field->value())) {
      ++codings;
      last_is_chunked = boost::beast::iequals(coding, "chunked");
    }
  }
  if (!last_is_chunked) {
    return GatewayError(400, "MALFORMED_REQUEST",
                        "the final transfer coding must be chunked");
  }
  if (codings > 1) {
    return GatewayError(501, "UNSUPPORTED_TRANSFER_CODING",
                        "no transfer coding other than chunked is supported");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> OriginFormTarget(absl::string_view target) {
  if (target.empty() || target.front() == '/' ||
      target.find("://") == absl::string_view::npos) {
    return std::string(target);
  }
  const auto bad_target = [] {
    return GatewayError(400, "INVALID_PATH",
                        "the absolute request target is not an http(s) URL");
  };
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(),
                                                          &curl_url_cleanup);
  if (url == nullptr) return absl::ResourceExhaustedError("out of memory");
  // Dot segments stay as sent: the path is routed (and signed) as received.
  if (curl_url_set(url.get(), CURLUPART_URL, std::string(target).c_str(),
                   CURLU_PATH_AS_IS) != CURLUE_OK) {
    return bad_target();
  }
  // Each part curl hands out is freed with curl_free.
  const auto part = [&url](CURLUPart which) -> std::optional<std::string> {
    char* value = nullptr;
    if (curl_url_get(url.get(), which, &value, 0) != CURLUE_OK) {
      return std::nullopt;
    }
    std::string copy(value);
    curl_free(value);
    return copy;
  };
  const std::optional<std::string> scheme = part(CURLUPART_SCHEME);
  if (!scheme.has_value() || (!absl::EqualsIgnoreCase(*scheme, "http") &&
                              !absl::EqualsIgnoreCase(*scheme, "https"))) {
    return bad_target();
  }
  if (part(CURLUPART_FRAGMENT).has_value()) return bad_target();
  std::string origin = part(CURLUPART_PATH).value_or("/");
  if (origin.empty() || origin.front() != '/')
    origin = absl::StrCat("/", origin);
  if (const std::optional<std::string> query = part(CURLUPART_QUERY)) {
    absl::StrAppend(&origin, "?", *query);
  }
  return origin;
}

absl::StatusOr<HttpRequest> ToHttpRequest(BeastRequest message) {
  const auto target = message.target();
  absl::StatusOr<std::string> origin =
      OriginFormTarget(absl::string_view(target.data(), target.size()));
  if (!origin.ok()) return origin.status();
  HttpRequest request;
  const auto method = message.method_string();
  request.method.assign(method.data(), method.size());
  request.target = std::move(*origin);
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
  bool framing_checked = false;
  while (offset < bytes.size() && !parser.is_done()) {
    const size_t used = parser.put(
        boost::asio::const_buffer(bytes.data() + offset, bytes.size() - offset),
        ec);
    if (ec == http::error::need_more) break;
    if (ec) break;
    if (used == 0) break;
    offset += used;
    // As the server does: framing is decided before any body byte counts.
    if (!framing_checked && parser.is_header_done()) {
      framing_checked = true;
      if (absl::Status s = CheckRequestFraming(parser.get()); !s.ok()) {
        return s;
      }
    }
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
