#include "server/rpc/call_log.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/clock.h"
#include "proto/rpc/log_line.h"
#include "proto/rpc/metrics.h"

namespace integrator::rpc {
namespace {

struct GrpcMetrics {
  Family<Counter>& started = Metrics().AddCounter(
      "grpc_server_started_total", "gRPC calls the service core took.",
      {"grpc_method"});
  Family<Counter>& handled = Metrics().AddCounter(
      "grpc_server_handled_total", "gRPC calls answered, by status code.",
      {"grpc_method", "grpc_code"});
  Family<Histogram>& latency =
      Metrics().AddHistogram("grpc_server_handling_seconds",
                             "Time from a gRPC call's arrival to its answer.",
                             {"grpc_method"}, LatencyBuckets());
  Gauge& active = Metrics()
                      .AddGauge("grpc_server_active_calls",
                                "gRPC calls being handled now.", {})
                      .WithLabels({});
};

GrpcMetrics& Grpc() {
  // Never destroyed, like the registry: a call may finish during exit.
  static GrpcMetrics* const metrics = new GrpcMetrics();  // NOLINT: on purpose
  return *metrics;
}

// The children of one RPC (and, once answered, one code).
struct Series {
  Counter* started = nullptr;
  Counter* handled = nullptr;
  Histogram* latency = nullptr;
};

// Each thread keeps the children it used, so a call takes no lock
// (WithLabels does). Bounded like the families themselves.
Series& ThreadSeries(absl::string_view rpc_name, absl::string_view code) {
  thread_local absl::flat_hash_map<std::string, Series> cache;
  thread_local std::string key;
  key.assign(rpc_name.data(), rpc_name.size());
  key.push_back('\n');
  key.append(code.data(), code.size());
  auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  if (cache.size() >= kDefaultMaxChildren) cache.clear();
  GrpcMetrics& metrics = Grpc();
  Series series;
  if (code.empty()) {
    series.started = &metrics.started.WithLabels({rpc_name});
  } else {
    series.handled = &metrics.handled.WithLabels({rpc_name, code});
    series.latency = &metrics.latency.WithLabels({rpc_name});
  }
  return cache.emplace(key, series).first->second;
}

}  // namespace

void CallStarted(absl::string_view rpc_name) {
  ThreadSeries(rpc_name, "").started->Increment();
  Grpc().active.Add(1);
}

void LogCall(absl::string_view request_id, absl::string_view rpc_name,
             const absl::Status& status, absl::Time start) {
  const absl::Duration latency = absl::Now() - start;
  const std::string code = absl::StatusCodeToString(status.code());
  Grpc().active.Add(-1);
  Series& series = ThreadSeries(rpc_name, code);
  series.handled->Increment();
  series.latency->Observe(absl::ToDoubleSeconds(latency));
  LogLine()
      .Text("request_id", request_id)
      .Text("face", "grpc")
      .Text("rpc", rpc_name)
      .Text("code", code)
      .Millis("latency_ms", latency)
      .Write();
}

}  // namespace integrator::rpc
