// A running REST gateway: route table, transcoder, invoker and HTTP server,
// started and stopped as one. Both binaries that serve REST use it: the
// standalone gateway with a GrpcInvoker, integrator-server with a direct
// invoker into its own service.
//
// Contract: Start() compiles the routes of `services` from `pool` and
// listens; a bad annotation or address is an error, never a half-started
// gateway. A gateway whose routes are not known yet (its upstream is down at
// start) Listen()s first: until Serve() installs the routes, every request
// is answered 503 with Retry-After, so clients see "try again" rather than a
// refused connection, and the process may start before its upstream.
// Serve() succeeds at most once; it may run on another thread while requests
// arrive. Shutdown(drain) stops accepting, lets in-flight requests finish
// for up to `drain`, cancels calls still running after that (where the
// invoker can) and waits for them, so no callback outlives the gateway. The
// pool must outlive the gateway.
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<RestGateway>> rest = RestGateway::Start(
//       pool, services, GrpcInvokerFor(channel, absl::Seconds(10)), {},
//       HttpServerOptionsFromFlags());
//   ... (*rest)->port() ...
//   (*rest)->Shutdown(absl::Seconds(10));
//
//   // Upstream not there yet:
//   auto rest = RestGateway::Listen(invoker, {}, http_options);
//   ... once reflection answers: (*rest)->Serve(pool, services);
#ifndef GATEWAY_REST_GATEWAY_H_
#define GATEWAY_REST_GATEWAY_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/api_docs.h"
#include "gateway/http_server.h"
#include "gateway/invoker.h"
#include "gateway/route_table.h"
#include "gateway/transcoder.h"
#include "google/protobuf/descriptor.h"

namespace gateway {

struct RestGatewayOptions {
  TranscoderOptions transcoder;
  // GET /openapi.json and /docs (api_docs.h), described with these options;
  // none when unset.
  std::optional<OpenApiOptions> docs;
};

// The invoker of a gateway in front of a remote server: gRPC calls on
// `channel`, each with `timeout` as its deadline.
std::shared_ptr<Invoker> GrpcInvokerFor(std::shared_ptr<grpc::Channel> channel,
                                        absl::Duration timeout);

class RestGateway {
 public:
  static absl::StatusOr<std::unique_ptr<RestGateway>> Start(
      const google::protobuf::DescriptorPool& pool,
      const std::vector<std::string>& services,
      std::shared_ptr<Invoker> invoker, RestGatewayOptions options,
      const HttpServerOptions& http_options);

  // Listens with no routes yet: every request is a 503 until Serve().
  static absl::StatusOr<std::unique_ptr<RestGateway>> Listen(
      std::shared_ptr<Invoker> invoker, RestGatewayOptions options,
      const HttpServerOptions& http_options);

  // Compiles and starts serving the routes; the pool must outlive the
  // gateway. FailedPrecondition when routes are already served.
  absl::Status Serve(const google::protobuf::DescriptorPool& pool,
                     const std::vector<std::string>& services);

  ~RestGateway() { Shutdown(absl::ZeroDuration()); }

  int port() const { return http_->port(); }
  // 0 until Serve() has succeeded.
  size_t route_count() const;

  void Shutdown(absl::Duration drain);

 private:
  struct StartTag {
    explicit StartTag() = default;
  };

 public:
  RestGateway(StartTag, std::shared_ptr<Invoker> invoker,
              RestGatewayOptions options, std::unique_ptr<Transcoder> pending)
      : invoker_(std::move(invoker)),
        options_(std::move(options)),
        pending_(std::move(pending)) {}

 private:
  void Handle(HttpRequest request,
              absl::AnyInvocable<void(HttpResponse)> done) const;
  HttpResponse RenderError(const absl::Status& status,
                           const HttpRequest* partial) const;

  std::shared_ptr<Invoker> invoker_;
  RestGatewayOptions options_;
  // Answers while no routes are served: its table is empty.
  std::unique_ptr<Transcoder> pending_;
  // Set once by Serve(); read by every request.
  std::unique_ptr<Transcoder> transcoder_;
  std::unique_ptr<const ApiDocs> docs_;
  std::shared_ptr<const RouteTable> routes_;
  std::atomic<const Transcoder*> serving_{nullptr};
  // Declared last: destroyed first, while the transcoder still exists.
  std::unique_ptr<HttpServer> http_;
  bool stopped_ = false;
};

}  // namespace gateway

#endif  // GATEWAY_REST_GATEWAY_H_
