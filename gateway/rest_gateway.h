// A running REST gateway: route table, transcoder, invoker and HTTP server,
// started and stopped as one. Both binaries that serve REST use it: the
// standalone gateway with a GrpcInvoker, integrator-server with a direct
// invoker into its own service.
//
// Contract: Start() compiles the routes of `services` from `pool` and
// listens; a bad annotation or address is an error, never a half-started
// gateway. Shutdown(drain) stops accepting, lets in-flight requests finish
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
#ifndef GATEWAY_REST_GATEWAY_H_
#define GATEWAY_REST_GATEWAY_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/http_server.h"
#include "gateway/invoker.h"
#include "gateway/route_table.h"
#include "gateway/transcoder.h"
#include "google/protobuf/descriptor.h"

namespace gateway {

struct RestGatewayOptions {
  TranscoderOptions transcoder;
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

  ~RestGateway() { Shutdown(absl::ZeroDuration()); }

  int port() const { return http_->port(); }
  size_t route_count() const { return routes_->route_count(); }

  void Shutdown(absl::Duration drain);

 private:
  struct StartTag {
    explicit StartTag() = default;
  };

 public:
  RestGateway(StartTag, std::shared_ptr<const RouteTable> routes,
              std::shared_ptr<Invoker> invoker,
              std::unique_ptr<Transcoder> transcoder)
      : routes_(std::move(routes)),
        invoker_(std::move(invoker)),
        transcoder_(std::move(transcoder)) {}

 private:
  std::shared_ptr<const RouteTable> routes_;
  std::shared_ptr<Invoker> invoker_;
  std::unique_ptr<Transcoder> transcoder_;
  // Declared last: destroyed first, while the transcoder still exists.
  std::unique_ptr<HttpServer> http_;
  bool stopped_ = false;
};

}  // namespace gateway

#endif  // GATEWAY_REST_GATEWAY_H_
