// The admin listener: what operators and orchestrators ask of a process, on
// an address of its own (loopback by default), apart from the API's port.
//   GET /metrics  Prometheus text exposition format 0.0.4
//   GET /healthz  200 while the process runs (liveness)
//   GET /readyz   200 when `ready` says OK, else 503 with its message
//                 (readiness: the store answers and no drain has begun)
//
// Contract: serves only those three GET paths; any other path is a 404 and
// any other method on them a 405, as plain text. Runs one HTTP thread with a
// small connection cap and body limit: probes and scrapes are small and
// rare, and they must never compete with the API for its threads. The
// callbacks run on that thread and must be thread-safe; they outlive the
// server. Shutdown() stops it (also done by the destructor).
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<AdminServer>> admin = AdminServer::Start(
//       "127.0.0.1:9090",
//       {.metrics = [] { return rpc::Metrics().RenderText(); },
//        .ready = [&] { return server.Readiness(); }});
//   ... (*admin)->port() ...
#ifndef GATEWAY_ADMIN_SERVER_H_
#define GATEWAY_ADMIN_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/http_server.h"

namespace gateway {

struct AdminEndpoints {
  std::function<std::string()> metrics;
  std::function<absl::Status()> ready;
};

class AdminServer {
 public:
  static absl::StatusOr<std::unique_ptr<AdminServer>> Start(
      const std::string& address, AdminEndpoints endpoints);

  ~AdminServer() { Shutdown(); }

  int port() const { return http_->port(); }
  void Shutdown();

  // Use Start().
  explicit AdminServer(AdminEndpoints endpoints)
      : endpoints_(std::move(endpoints)) {}

 private:
  HttpResponse Answer(const HttpRequest& request) const;

  const AdminEndpoints endpoints_;
  bool stopped_ = false;
  // Declared last: stopped before the endpoints go.
  std::unique_ptr<HttpServer> http_;
};

}  // namespace gateway

#endif  // GATEWAY_ADMIN_SERVER_H_
