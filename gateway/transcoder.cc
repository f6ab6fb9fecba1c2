#include "gateway/transcoder.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gateway/gateway_error.h"
#include "gateway/header_policy.h"
#include "gateway/problem_renderer.h"
#include "gateway/request_binder.h"
#include "gateway/response_renderer.h"
#include "gateway/rest_metrics.h"
#include "gateway/signed_request_facts.h"
#include "proto/rpc/log_line.h"
#include "proto/rpc/request_id.h"
#include "proto/rpc/status_details.h"

namespace gateway {
namespace {

constexpr size_t kMaxShownPathBytes = 256;

// The path as a problem may show it: printable ASCII only, bounded.
std::string ShownPath(absl::string_view target) {
  absl::string_view path = target.substr(0, target.find('?'));
  std::string out;
  for (char c : path.substr(0, kMaxShownPathBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte > 0x20 && byte < 0x7F) {
      out.push_back(c);
    } else {
      absl::StrAppend(&out, absl::StrFormat("%%%02X", byte));
    }
  }
  return out;
}

void AddCommonHeaders(HttpResponse& response, absl::string_view request_id) {
  bool has_id = false;
  for (const auto& [key, value] : response.headers)
    has_id |= key == "x-request-id";
  if (!has_id) response.headers.emplace_back("x-request-id", request_id);
  // Responses about secrets must never sit in a shared cache.
  response.headers.emplace_back("cache-control", "no-store");
}

}  // namespace

HttpHandlers HandlersFor(const Transcoder* transcoder) {
  return HttpHandlers{
      .handle =
          [transcoder](HttpRequest request,
                       absl::AnyInvocable<void(HttpResponse)> done) {
            transcoder->Handle(std::move(request), std::move(done));
          },
      .render_error =
          [transcoder](const absl::Status& status, const HttpRequest* partial) {
            return transcoder->RenderError(status, partial);
          }};
}

Transcoder::Transcoder(std::shared_ptr<const RouteTable> routes,
                       std::shared_ptr<const Invoker> invoker,
                       TranscoderOptions options)
    : routes_(std::move(routes)),
      invoker_(std::move(invoker)),
      options_(std::move(options)) {}

HttpResponse Transcoder::RenderError(const absl::Status& status,
                                     const HttpRequest* partial) const {
  const std::string request_id = integrator::rpc::RequestIdFrom(
      partial != nullptr ? partial->Header("x-request-id") : std::nullopt);
  HttpResponse response = RenderProblem(
      status,
      {.request_id = request_id,
       .accept = partial != nullptr ? partial->Header("accept").value_or("")
                                    : absl::string_view()});
  AddCommonHeaders(response, request_id);
  RestMetrics::Get().Finished(partial != nullptr ? partial->method : "", "-",
                              response.status, absl::ZeroDuration(),
                              /*started=*/false);
  if (options_.log_requests) {
    integrator::rpc::LogLine()
        .Text("request_id", request_id)
        .Text("face", "rest")
        .Text("method", partial != nullptr && !partial->method.empty()
                            ? absl::string_view(partial->method)
                            : "-")
        .Text("route", "-")
        .Number("status", response.status)
        .Write();
  }
  return response;
}

void Transcoder::Handle(HttpRequest request,
                        absl::AnyInvocable<void(HttpResponse)> done) const {
  const absl::Time start = absl::Now();
  RestMetrics::Get().Started();
  const std::string request_id =
      integrator::rpc::RequestIdFrom(request.Header("x-request-id"));
  const std::string accept(request.Header("accept").value_or(""));
  auto finish = [this, start, request_id, method = request.method,
                 done = std::move(done)](HttpResponse response,
                                         absl::string_view route) mutable {
    AddCommonHeaders(response, request_id);
    const absl::Duration latency = absl::Now() - start;
    RestMetrics::Get().Finished(method, route, response.status, latency);
    if (options_.log_requests) {
      integrator::rpc::LogLine()
          .Text("request_id", request_id)
          .Text("face", "rest")
          .Text("method", method)
          .Text("route", route)
          .Number("status", response.status)
          .Millis("latency_ms", latency)
          .Write();
    }
    done(std::move(response));
  };
  auto fail = [&](const absl::Status& status,
                  const google::protobuf::Descriptor* type,
                  absl::string_view route) {
    finish(RenderProblem(status, {.request_id = request_id,
                                  .accept = accept,
                                  .request_type = type}),
           route);
  };

  // The raw target may travel as metadata, which must be printable ASCII.
  if (request.target.empty() || !IsValidMetadataValue(request.target) ||
      request.target.find(' ') != std::string::npos) {
    return fail(GatewayError(400, "INVALID_PATH",
                             "the request target must be printable ASCII"),
                nullptr, "-");
  }
  absl::StatusOr<HeaderList> metadata = ForwardableMetadata(request.headers);
  if (!metadata.ok()) return fail(metadata.status(), nullptr, "-");

  absl::StatusOr<LookupResult<RouteMethod>> match =
      routes_->matcher().Lookup(request.method, request.target);
  if (!match.ok()) {
    return fail(GatewayError(400, "INVALID_PATH",
                             "the request path is malformed or too long"),
                nullptr, "-");
  }
  if (match->outcome == LookupOutcome::kNoRoute) {
    return fail(
        integrator::rpc::WithResourceInfo(
            GatewayError(404, "ROUTE_NOT_FOUND", "no route matches this path"),
            "route", ShownPath(request.target)),
        nullptr, "-");
  }
  if (match->outcome == LookupOutcome::kMethodNotAllowed) {
    HttpResponse response =
        RenderProblem(GatewayError(405, "METHOD_NOT_ALLOWED",
                                   "this path does not accept that method"),
                      {.request_id = request_id, .accept = accept});
    response.headers.emplace_back("allow",
                                  absl::StrJoin(match->allowed_methods, ", "));
    return finish(std::move(response), "-");
  }

  const RouteMethod& route = *match->method;
  const google::protobuf::Descriptor* request_type = route.method->input_type();
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> message =
      BindRequest(route, request.Header("content-type").value_or(""),
                  request.body, match->query, match->bindings);
  if (!message.ok())
    return fail(message.status(), request_type, route.http_template);

  HeaderList call_metadata;
  for (auto& [key, value] : *metadata) {
    if (key != integrator::rpc::kRequestIdKey) {
      call_metadata.emplace_back(std::move(key), std::move(value));
    }
  }
  call_metadata.emplace_back(std::string(integrator::rpc::kRequestIdKey),
                             request_id);
  for (const auto& entry : options_.upstream_metadata)
    call_metadata.push_back(entry);
  AddSignedRequestFacts(request, call_metadata);

  // The raw body may hold a secret; it is not needed any more.
  OPENSSL_cleanse(request.body.data(), request.body.size());
  invoker_->Invoke(
      route, *std::move(message), call_metadata,
      [route_ptr = &route, request_id, accept, request_type,
       finish = std::move(finish)](
          absl::Status status,
          std::unique_ptr<google::protobuf::Message> response_message) mutable {
        if (status.ok()) {
          absl::StatusOr<std::string> json =
              ResponseToJson(*route_ptr, *response_message);
          if (json.ok()) {
            HttpResponse response;
            response.headers.emplace_back("content-type", "application/json");
            response.body = std::move(*json);
            return finish(std::move(response), route_ptr->http_template);
          }
          status = json.status();
        }
        finish(RenderProblem(status, {.request_id = request_id,
                                      .accept = accept,
                                      .request_type = request_type}),
               route_ptr->http_template);
      });
}

}  // namespace gateway
