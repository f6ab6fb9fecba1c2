#include "gateway/rest_metrics.h"

#include <array>
#include <charconv>
#include <string>

#include "absl/container/flat_hash_map.h"

namespace gateway {
namespace {

// A client may send any token as a method: only these become label values.
absl::string_view MethodLabel(absl::string_view method) {
  static constexpr std::array<absl::string_view, 9> kKnown = {
      "GET",     "PUT",  "POST",  "DELETE", "PATCH",
      "OPTIONS", "HEAD", "TRACE", "CONNECT"};
  for (absl::string_view known : kKnown) {
    if (method == known) return known;
  }
  return method.empty() ? "-" : "other";
}

}  // namespace

RestMetrics& RestMetrics::Get() {
  // Never destroyed, like the registry it points into: a request finishing
  // on another thread during exit still has its metrics.
  static RestMetrics* const metrics =
      new RestMetrics(integrator::rpc::Metrics());  // NOLINT: on purpose
  return *metrics;
}

RestMetrics::RestMetrics(integrator::rpc::MetricsRegistry& registry)
    : requests_(registry.AddCounter(
          "http_server_requests_total",
          "REST requests answered, by HTTP method, route template and status.",
          {"method", "route", "status"})),
      latency_(registry.AddHistogram(
          "http_server_request_duration_seconds",
          "Time from a complete REST request to its response being ready.",
          {"method", "route"}, integrator::rpc::LatencyBuckets())),
      active_(registry
                  .AddGauge("http_server_active_requests",
                            "REST requests being handled now.", {})
                  .WithLabels({})),
      open_connections_(registry
                            .AddGauge("http_server_open_connections",
                                      "Open REST (HTTP/1.1) connections.", {})
                            .WithLabels({})) {}

void RestMetrics::Finished(absl::string_view method, absl::string_view route,
                           int status, absl::Duration latency, bool started) {
  if (started) active_.Add(-1);
  const absl::string_view method_label = MethodLabel(method);
  char status_text[16];
  const std::to_chars_result printed =
      std::to_chars(status_text, status_text + sizeof(status_text), status);
  const absl::string_view status_label(
      status_text, static_cast<size_t>(printed.ptr - status_text));
  // Each thread keeps the children it used, so a request takes no lock
  // (WithLabels does); bounded like the families themselves.
  struct Series {
    integrator::rpc::Counter* requests;
    integrator::rpc::Histogram* latency;
  };
  thread_local absl::flat_hash_map<std::string, Series> cache;
  thread_local std::string key;
  key.assign(method_label.data(), method_label.size());
  key.push_back('\n');
  key.append(route.data(), route.size());
  key.push_back('\n');
  key.append(status_label.data(), status_label.size());
  auto found = cache.find(key);
  if (found == cache.end()) {
    if (cache.size() >= integrator::rpc::kDefaultMaxChildren) cache.clear();
    found =
        cache
            .emplace(key, Series{&requests_.WithLabels(
                                     {method_label, route, status_label}),
                                 &latency_.WithLabels({method_label, route})})
            .first;
  }
  found->second.requests->Increment();
  found->second.latency->Observe(absl::ToDoubleSeconds(latency));
}

}  // namespace gateway
