#include "gateway/rest_gateway.h"

#include <iostream>

#include "gateway/gateway_error.h"
#include "gateway/grpc_invoker.h"
#include "gateway/rest_metrics.h"
#include "proto/rpc/status_details.h"

namespace gateway {
namespace {

// How soon a client should try again while the routes are not known: the
// standalone gateway asks its upstream again at least this often.
constexpr absl::Duration kPendingRetryAfter = absl::Seconds(1);

absl::Status RoutesPending() {
  return integrator::rpc::WithRetryInfo(
      GatewayError(503, "UPSTREAM_UNAVAILABLE",
                   "the gateway has not yet learned its routes from the "
                   "upstream; try again shortly"),
      kPendingRetryAfter);
}

}  // namespace

std::shared_ptr<Invoker> GrpcInvokerFor(std::shared_ptr<grpc::Channel> channel,
                                        absl::Duration timeout) {
  return std::make_shared<GrpcInvoker>(
      std::make_shared<UpstreamCaller>(std::move(channel), timeout));
}

absl::StatusOr<std::unique_ptr<RestGateway>> RestGateway::Start(
    const google::protobuf::DescriptorPool& pool,
    const std::vector<std::string>& services, std::shared_ptr<Invoker> invoker,
    RestGatewayOptions options, const HttpServerOptions& http_options) {
  absl::StatusOr<std::unique_ptr<RestGateway>> gateway =
      Listen(std::move(invoker), std::move(options), http_options);
  if (!gateway.ok()) return gateway.status();
  if (absl::Status served = (*gateway)->Serve(pool, services); !served.ok())
    return served;
  return gateway;
}

absl::StatusOr<std::unique_ptr<RestGateway>> RestGateway::Listen(
    std::shared_ptr<Invoker> invoker, RestGatewayOptions options,
    const HttpServerOptions& http_options) {
  // An empty table: the pending transcoder only renders errors.
  absl::StatusOr<std::shared_ptr<const RouteTable>> no_routes =
      RouteTable::Build(*google::protobuf::DescriptorPool::generated_pool(),
                        {});
  if (!no_routes.ok()) return no_routes.status();
  auto pending =
      std::make_unique<Transcoder>(*no_routes, invoker, options.transcoder);
  auto gateway = std::make_unique<RestGateway>(
      StartTag(), std::move(invoker), std::move(options), std::move(pending));
  const RestGateway* self = gateway.get();
  HttpServerOptions counted = http_options;
  counted.open_connections = &RestMetrics::Get().open_connections();
  absl::StatusOr<std::unique_ptr<HttpServer>> http = HttpServer::Start(
      counted,
      HttpHandlers{
          .handle =
              [self](HttpRequest request,
                     absl::AnyInvocable<void(HttpResponse)> done) {
                self->Handle(std::move(request), std::move(done));
              },
          .render_error =
              [self](const absl::Status& status, const HttpRequest* partial) {
                return self->RenderError(status, partial);
              }});
  if (!http.ok()) return http.status();
  gateway->http_ = std::move(*http);
  return gateway;
}

absl::Status RestGateway::Serve(const google::protobuf::DescriptorPool& pool,
                                const std::vector<std::string>& services) {
  if (serving_.load(std::memory_order_acquire) != nullptr) {
    return absl::FailedPreconditionError("the routes are already served");
  }
  absl::StatusOr<std::shared_ptr<const RouteTable>> routes =
      RouteTable::Build(pool, services);
  if (!routes.ok()) return routes.status();
  for (const std::string& skipped : (*routes)->skipped_rules()) {
    std::cerr << "gateway: route not served: " << skipped << "\n";
  }
  if (options_.docs.has_value()) {
    absl::StatusOr<std::unique_ptr<const ApiDocs>> docs =
        ApiDocs::Build(**routes, *options_.docs);
    if (!docs.ok()) return docs.status();
    docs_ = *std::move(docs);
  }
  routes_ = *routes;
  transcoder_ =
      std::make_unique<Transcoder>(routes_, invoker_, options_.transcoder);
  serving_.store(transcoder_.get(), std::memory_order_release);
  return absl::OkStatus();
}

size_t RestGateway::route_count() const {
  return serving_.load(std::memory_order_acquire) == nullptr
             ? 0
             : routes_->route_count();
}

void RestGateway::Handle(HttpRequest request,
                         absl::AnyInvocable<void(HttpResponse)> done) const {
  const Transcoder* serving = serving_.load(std::memory_order_acquire);
  if (serving == nullptr) {
    return done(pending_->RenderError(RoutesPending(), &request));
  }
  if (docs_ != nullptr) {
    if (std::optional<HttpResponse> page = docs_->Serve(request)) {
      return done(*std::move(page));
    }
  }
  serving->Handle(std::move(request), std::move(done));
}

HttpResponse RestGateway::RenderError(const absl::Status& status,
                                      const HttpRequest* partial) const {
  const Transcoder* serving = serving_.load(std::memory_order_acquire);
  return (serving != nullptr ? serving : pending_.get())
      ->RenderError(status, partial);
}

void RestGateway::Shutdown(absl::Duration drain) {
  if (stopped_) return;
  stopped_ = true;
  if (http_ != nullptr) http_->Shutdown(drain);
  invoker_->CancelAllAndWait();
}

}  // namespace gateway
