// Conversions between Beast's HTTP messages and the gateway's own
// HttpRequest, shared by the server's sessions and the HTTP fuzzer so both
// exercise the same code.
//
// Contract: header names are lower-cased, values kept byte for byte.
// ParseRawRequest parses one complete request from memory with the server's
// limits and the framing rules below, and maps failures to the same gateway
// errors the server answers (400, 413, 431, 501); an incomplete request is
// a 408-style error.
//
// EXAMPLE:
//   absl::StatusOr<HttpRequest> request = ParseRawRequest(bytes, limits);
//   // In a server, once the header block is in and before the body:
//   if (absl::Status s = CheckRequestFraming(parser.get()); !s.ok()) ...
//   request.target = OriginFormTarget(raw_target).value();
#ifndef GATEWAY_HTTP_WIRE_H_
#define GATEWAY_HTTP_WIRE_H_

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <string>

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

// RFC 9112's message-framing rules that Beast's parser leaves to its user.
// Any failure means the body's extent is unknown: the caller answers the
// error and closes the connection, so body bytes are never read as the next
// request (request smuggling).
// - Transfer-Encoding: the codings of all its lines, in order, must be
//   exactly `chunked` (any case). A final coding other than chunked, an
//   empty value, or Transfer-Encoding in an HTTP/1.0 request -> 400; other
//   codings before a final chunked -> 501 (none is implemented).
// - Transfer-Encoding together with Content-Length -> 400.
// - HTTP/1.1 needs exactly one Host; HTTP/1.0 at most one -> else 400.
absl::Status CheckRequestFraming(
    const boost::beast::http::request_header<>& header);

// The request target in origin form (`/path?query`). An absolute-form
// target (`http://host:port/path?query`, RFC 9112 §3.2.2) is served as its
// path and query, read with libcurl's URL parser; any other form that does
// not start with '/' is returned unchanged for routing to refuse.
absl::StatusOr<std::string> OriginFormTarget(absl::string_view target);

// Converts a parsed request (framing already checked); the target is put in
// origin form.
absl::StatusOr<HttpRequest> ToHttpRequest(BeastRequest message);

// Appends `message`'s header fields, lower-cased, to `headers`.
void CopyHeaders(const boost::beast::http::fields& fields, HeaderList& headers);

absl::StatusOr<HttpRequest> ParseRawRequest(absl::string_view bytes,
                                            const WireLimits& limits);

}  // namespace gateway

#endif  // GATEWAY_HTTP_WIRE_H_
