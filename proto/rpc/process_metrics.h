// The standard Prometheus process metrics and the build info, read from
// /proc/self when the registry renders, so they cost nothing between scrapes.
//
// Contract: RegisterProcessMetrics() adds, once per registry,
//   integrator_build_info{binary,version} 1   (a gauge)
// and a collector rendering process_cpu_seconds_total (counter),
// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds and
// process_threads (gauges). Files are read with fixed-size buffers, no
// allocation per read and no exceptions; a sample whose source cannot be
// read or parsed is left out (with its # HELP and # TYPE), the render never
// fails. Linux only. Thread-safe, like the registry.
//
// EXAMPLE:
//   rpc::RegisterProcessMetrics(rpc::Metrics(), "integrator-server",
//                               integrator::kVersion);  // in main, once
#ifndef INTEGRATOR_PROTO_RPC_PROCESS_METRICS_H_
#define INTEGRATOR_PROTO_RPC_PROCESS_METRICS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/rpc/metrics.h"

namespace integrator::rpc {

void RegisterProcessMetrics(MetricsRegistry& registry, absl::string_view binary,
                            absl::string_view version);

// The fields of /proc/<pid>/stat the collector uses (proc(5) numbering);
// exposed for tests.
struct ProcStat {
  uint64_t utime_ticks = 0;       // (14)
  uint64_t stime_ticks = 0;       // (15)
  uint64_t num_threads = 0;       // (20)
  uint64_t start_time_ticks = 0;  // (22), since boot
  uint64_t vsize_bytes = 0;       // (23)
  uint64_t rss_pages = 0;         // (24)
};

// Parses one /proc/<pid>/stat line. The command name (2) may hold spaces and
// parentheses, so fields are counted from its last ')'.
absl::StatusOr<ProcStat> ParseProcStat(absl::string_view line);

}  // namespace integrator::rpc

#endif  // INTEGRATOR_PROTO_RPC_PROCESS_METRICS_H_
