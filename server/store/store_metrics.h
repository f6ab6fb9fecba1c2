// The durable stores' write metrics, in the process registry
// (proto/rpc/metrics.h), labelled by backend ("sqlite" or "postgres"):
//   integrator_store_commits_total{backend}        durable transactions
//   integrator_store_updates_total{backend}        secret updates made durable
//   integrator_store_commit_group_size{backend}    writes per transaction
//                                                  (histogram: group commit)
//   integrator_store_commit_duration_seconds{backend}  BEGIN to COMMIT's
//                                                  return (histogram)
// They count what the store's own counters count (StoreStats), so /metrics
// and GetStoreStats agree.
//
// Contract: a writer calls Committed() once per transaction that committed.
// For() returns the same object for the same backend for the process's
// lifetime. Thread-safe and lock-free.
//
// EXAMPLE:
//   StoreMetrics& metrics = StoreMetrics::For("sqlite");  // once
//   metrics.Committed(/*writes=*/12, /*updates=*/12, absl::Now() - begun);
#ifndef INTEGRATOR_SERVER_STORE_STORE_METRICS_H_
#define INTEGRATOR_SERVER_STORE_STORE_METRICS_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/rpc/metrics.h"

namespace integrator {

class StoreMetrics {
 public:
  static StoreMetrics& For(absl::string_view backend);

  void Committed(size_t writes, size_t updates, absl::Duration took);

  // Use For().
  explicit StoreMetrics(absl::string_view backend);

 private:
  rpc::Counter& commits_;
  rpc::Counter& updates_;
  rpc::Histogram& group_size_;
  rpc::Histogram& commit_seconds_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_STORE_METRICS_H_
