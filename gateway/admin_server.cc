#include "gateway/admin_server.h"

#include "absl/strings/str_cat.h"
#include "gateway/gateway_error.h"
#include "gateway/http_status_map.h"

namespace gateway {
namespace {

HttpResponse Text(int status, absl::string_view content_type,
                  std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"content-type", std::string(content_type)},
                      {"cache-control", "no-store"},
                      {"x-content-type-options", "nosniff"}};
  response.body = std::move(body);
  return response;
}

HttpResponse Plain(int status, absl::string_view text) {
  return Text(status, "text/plain; charset=utf-8", absl::StrCat(text, "\n"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Start(
    const std::string& address, AdminEndpoints endpoints) {
  auto admin = std::make_unique<AdminServer>(std::move(endpoints));
  HttpServerOptions options;
  options.address = address;
  options.threads = 1;
  options.max_body_bytes = 1024;
  options.max_header_bytes = 8 * 1024;
  options.header_timeout = absl::Seconds(10);
  options.max_connections = 64;
  const AdminServer* self = admin.get();
  absl::StatusOr<std::unique_ptr<HttpServer>> http = HttpServer::Start(
      options,
      HttpHandlers{.handle =
                       [self](HttpRequest request,
                              absl::AnyInvocable<void(HttpResponse)> done) {
                         done(self->Answer(request));
                       },
                   .render_error =
                       [](const absl::Status& status, const HttpRequest*) {
                         const int code = HttpStatusOverride(status).value_or(
                             HttpStatusForCode(status.code()));
                         return Plain(code, ReasonPhrase(code));
                       }});
  if (!http.ok()) {
    return absl::Status(
        http.status().code(),
        absl::StrCat("admin listener: ", http.status().message()));
  }
  admin->http_ = *std::move(http);
  return admin;
}

HttpResponse AdminServer::Answer(const HttpRequest& request) const {
  absl::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  if (path != "/metrics" && path != "/healthz" && path != "/readyz") {
    return Plain(404,
                 "not found: the admin listener serves /metrics, "
                 "/healthz and /readyz");
  }
  if (request.method != "GET") {
    HttpResponse response = Plain(405, "only GET");
    response.headers.emplace_back("allow", "GET");
    return response;
  }
  if (path == "/metrics") {
    return Text(200, "text/plain; version=0.0.4; charset=utf-8",
                endpoints_.metrics());
  }
  if (path == "/healthz") return Plain(200, "ok");
  const absl::Status ready = endpoints_.ready();
  return ready.ok() ? Plain(200, "ready")
                    : Plain(503, absl::StrCat("not ready: ", ready.message()));
}

void AdminServer::Shutdown() {
  if (http_ != nullptr && !stopped_) http_->Shutdown(absl::ZeroDuration());
  stopped_ = true;
}

}  // namespace gateway
