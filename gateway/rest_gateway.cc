#include "gateway/rest_gateway.h"

#include <iostream>

#include "gateway/grpc_invoker.h"

namespace gateway {

std::shared_ptr<Invoker> GrpcInvokerFor(std::shared_ptr<grpc::Channel> channel,
                                        absl::Duration timeout) {
  return std::make_shared<GrpcInvoker>(
      std::make_shared<UpstreamCaller>(std::move(channel), timeout));
}

absl::StatusOr<std::unique_ptr<RestGateway>> RestGateway::Start(
    const google::protobuf::DescriptorPool& pool,
    const std::vector<std::string>& services, std::shared_ptr<Invoker> invoker,
    RestGatewayOptions options, const HttpServerOptions& http_options) {
  absl::StatusOr<std::shared_ptr<const RouteTable>> routes =
      RouteTable::Build(pool, services);
  if (!routes.ok()) return routes.status();
  for (const std::string& skipped : (*routes)->skipped_rules()) {
    std::cerr << "gateway: route not served: " << skipped << "\n";
  }
  auto transcoder = std::make_unique<Transcoder>(*routes, invoker,
                                                 std::move(options.transcoder));
  auto gateway = std::make_unique<RestGateway>(
      StartTag(), *routes, std::move(invoker), std::move(transcoder));
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
  invoker_->CancelAllAndWait();
}

}  // namespace gateway
