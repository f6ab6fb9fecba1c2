#include "gateway/rest_gateway.h"

#include <iostream>

namespace gateway {

absl::StatusOr<std::unique_ptr<RestGateway>> RestGateway::Start(
    const google::protobuf::DescriptorPool& pool,
    const std::vector<std::string>& services,
    std::shared_ptr<grpc::Channel> channel, RestGatewayOptions options,
    const HttpServerOptions& http_options) {
  absl::StatusOr<std::shared_ptr<const RouteTable>> routes =
      RouteTable::Build(pool, services);
  if (!routes.ok()) return routes.status();
  for (const std::string& skipped : (*routes)->skipped_rules()) {
    std::cerr << "gateway: route not served: " << skipped << "\n";
  }
  auto upstream = std::make_shared<UpstreamCaller>(std::move(channel),
                                                   options.request_timeout);
  auto transcoder = std::make_unique<Transcoder>(*routes, upstream,
                                                 std::move(options.transcoder));
  auto gateway = std::make_unique<RestGateway>(
      StartTag(), *routes, std::move(upstream), std::move(transcoder));
  absl::StatusOr<std::unique_ptr<HttpServer>> http =
      HttpServer::Start(http_options, HandlersFor(gateway->transcoder_.get()));
  if (!http.ok()) return http.status();
  gateway->http_ = std::move(*http);
  return gateway;
}

void RestGateway::Shutdown(absl::Duration drain) {
  if (stopped_) return;
  stopped_ = true;
  if (http_ != nullptr) http_->Shutdown(drain);
  upstream_->CancelAllAndWait();
}

}  // namespace gateway
