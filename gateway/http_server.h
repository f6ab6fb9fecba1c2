// The gateway's HTTP/1.1 server on Boost.Beast and Asio.
//
// Contract:
// - Keep-alive; pipelined requests are read one at a time and answered in
//   order (the next request is parsed only after the previous response is
//   written, so at most one waits on the upstream per connection and the
//   rest wait, unparsed, in the connection's buffer or in TCP).
// - Limits: header block over `max_header_bytes` -> 431; a Content-Length
//   over `max_body_bytes` -> 413 before any body byte is read (and a chunked
//   body is cut off at the same limit); a chunk line or trailer that does
//   not fit the connection's buffer (`max_header_bytes` + 4 KiB) -> 400; a
//   request not complete within `header_timeout` -> 408 if any byte
//   arrived, then close; a connection idle that long is closed; over
//   `max_connections` open connections a new one is answered 503 with
//   Retry-After and closed (a few at a time; beyond that, closed at once).
//   Each of these closes the connection.
// - Framing follows RFC 9112 (http_wire.h, CheckRequestFraming): a
//   Transfer-Encoding whose final coding is not chunked, one beside a
//   Content-Length, or a missing or repeated Host is a 400, then close, so
//   a body is never read as the next request. Absolute-form targets are
//   served as their path.
// - `Expect: 100-continue` gets its interim response before the body is read.
// - Every error response comes from `render_error`, so it has the same
//   problem shape as any other.
// - Shutdown() stops accepting, closes idle connections, lets in-flight
//   requests finish (their connections then close) for up to `drain`, and
//   joins the threads.
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<HttpServer>> server =
//       HttpServer::Start(options, {.handle = ..., .render_error = ...});
//   ... (*server)->port() ...
//   (*server)->Shutdown(absl::Seconds(10));
#ifndef GATEWAY_HTTP_SERVER_H_
#define GATEWAY_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/http_message.h"
#include "proto/rpc/metrics.h"

namespace gateway {

struct HttpServerOptions {
  std::string address = "127.0.0.1:8080";
  int threads = 0;  // 0: one per core
  size_t max_body_bytes = 64 * 1024;
  size_t max_header_bytes = 16 * 1024;
  absl::Duration header_timeout = absl::Seconds(10);
  // Fit it to the open-file limit first (the composition root does, with
  // cmd/fd_budget.h): accept fails at the limit, before the cap is reached.
  int max_connections = 10000;
  // Kept equal to the number of open (served) connections, when set.
  integrator::rpc::Gauge* open_connections = nullptr;
};

struct HttpHandlers {
  std::function<void(HttpRequest, absl::AnyInvocable<void(HttpResponse)>)>
      handle;
  std::function<HttpResponse(const absl::Status&, const HttpRequest*)>
      render_error;
};

class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, HttpHandlers handlers);
  virtual ~HttpServer() = default;

  virtual int port() const = 0;
  virtual void Shutdown(absl::Duration drain) = 0;
};

}  // namespace gateway

#endif  // GATEWAY_HTTP_SERVER_H_
