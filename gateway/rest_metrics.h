// The REST face's metrics, in the process's registry (proto/rpc/metrics.h):
//   http_server_requests_total{method,route,status}
//   http_server_request_duration_seconds{method,route}   (histogram)
//   http_server_active_requests
//   http_server_open_connections
// `route` is the matched http template ("/v1/things/{id}"), or "-" when no
// route matched; `method` is one of the standard methods or "other". So no
// label carries a path, an id, a key or anything else a client chose, and
// the number of series stays bounded.
//
// Contract: Started() once per request the transcoder handles, then exactly
// one Finished() for it; errors found before a request was complete (limits,
// timeouts) are Finished() with no Started(). Thread-safe and lock-free
// after a (method, route, status) combination was first seen.
//
// EXAMPLE:
//   RestMetrics& metrics = RestMetrics::Get();
//   metrics.Started();
//   ... metrics.Finished("PUT", route.http_template, 200, elapsed);
#ifndef GATEWAY_REST_METRICS_H_
#define GATEWAY_REST_METRICS_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/rpc/metrics.h"

namespace gateway {

class RestMetrics {
 public:
  static RestMetrics& Get();

  void Started() { active_.Add(1); }
  void Finished(absl::string_view method, absl::string_view route, int status,
                absl::Duration latency, bool started = true);
  integrator::rpc::Gauge& open_connections() { return open_connections_; }

  // Use Get(): the families are registered once per process.
  explicit RestMetrics(integrator::rpc::MetricsRegistry& registry);

 private:
  integrator::rpc::Family<integrator::rpc::Counter>& requests_;
  integrator::rpc::Family<integrator::rpc::Histogram>& latency_;
  integrator::rpc::Gauge& active_;
  integrator::rpc::Gauge& open_connections_;
};

}  // namespace gateway

#endif  // GATEWAY_REST_METRICS_H_
