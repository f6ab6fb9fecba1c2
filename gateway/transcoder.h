// The REST face of any annotated gRPC service: one HTTP request in, one HTTP
// response out, through the compiled route table. It knows no service.
//
// Contract, per request:
//   request id (x-request-id if a UUID, else new) -> header policy ->
//   route lookup (404 / 405 + Allow) -> request binding (400 / 415) ->
//   the invoker (invoker.h: the service in-process, or a gRPC upstream)
//   -> JSON 200, or the status rendered as a problem (problem_renderer.h).
// - For signed requests, the facts of signed_request_facts.h are added.
// - `done` is called exactly once, possibly on another thread.
// - One log line per request: request id, method, route, status, latency.
//   Never a header value or a body.
// The route table is shared and immutable; the transcoder is thread-safe.
//
// EXAMPLE:
//   Transcoder transcoder(routes, invoker, {});
//   transcoder.Handle(std::move(request), [&](HttpResponse r) { Send(r); });
#ifndef GATEWAY_TRANSCODER_H_
#define GATEWAY_TRANSCODER_H_

#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "gateway/http_message.h"
#include "gateway/http_server.h"
#include "gateway/invoker.h"
#include "gateway/route_table.h"

namespace gateway {

struct TranscoderOptions {
  // Added to every upstream call, e.g. a remote gateway's own credential.
  HeaderList upstream_metadata;
  // Writes the per-request log line to stderr.
  bool log_requests = true;
};

class Transcoder {
 public:
  Transcoder(std::shared_ptr<const RouteTable> routes,
             std::shared_ptr<const Invoker> invoker, TranscoderOptions options);

  void Handle(HttpRequest request,
              absl::AnyInvocable<void(HttpResponse)> done) const;

  // Renders an error found before a request was complete (limits, timeouts,
  // malformed HTTP), in the same problem shape.
  HttpResponse RenderError(const absl::Status& status,
                           const HttpRequest* partial) const;

 private:
  std::shared_ptr<const RouteTable> routes_;
  std::shared_ptr<const Invoker> invoker_;
  TranscoderOptions options_;
};

// Wires a transcoder into an HttpServer. The transcoder must outlive the
// server.
HttpHandlers HandlersFor(const Transcoder* transcoder);

}  // namespace gateway

#endif  // GATEWAY_TRANSCODER_H_
