// A running REST gateway: route table, transcoder, upstream channel and HTTP
// server, started and stopped as one. Both binaries that serve REST use it.
//
// Contract: Start() compiles the routes of `services` from `pool` and
// listens; a bad annotation or address is an error, never a half-started
// gateway. Shutdown(drain) stops accepting, lets in-flight requests finish
// for up to `drain`, cancels upstream calls still running after that and
// waits for them, so no callback outlives the gateway. The pool must outlive
// the gateway.
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<RestGateway>> rest = RestGateway::Start(
//       pool, services, channel, {.request_timeout = absl::Seconds(10)},
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
#include "gateway/route_table.h"
#include "gateway/transcoder.h"
#include "gateway/upstream_caller.h"
#include "google/protobuf/descriptor.h"

namespace gateway {

struct RestGatewayOptions {
  absl::Duration request_timeout = absl::Seconds(10);
  TranscoderOptions transcoder;
};

class RestGateway {
 public:
  static absl::StatusOr<std::unique_ptr<RestGateway>> Start(
      const google::protobuf::DescriptorPool& pool,
      const std::vector<std::string>& services,
      std::shared_ptr<grpc::Channel> channel, RestGatewayOptions options,
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
              std::shared_ptr<UpstreamCaller> upstream,
              std::unique_ptr<Transcoder> transcoder)
      : routes_(std::move(routes)),
        upstream_(std::move(upstream)),
        transcoder_(std::move(transcoder)) {}

 private:
  std::shared_ptr<const RouteTable> routes_;
  std::shared_ptr<UpstreamCaller> upstream_;
  std::unique_ptr<Transcoder> transcoder_;
  // Declared last: destroyed first, while the transcoder still exists.
  std::unique_ptr<HttpServer> http_;
  bool stopped_ = false;
};

}  // namespace gateway

#endif  // GATEWAY_REST_GATEWAY_H_
