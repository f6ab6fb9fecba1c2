#include "server/store/store_metrics.h"

#include <vector>

namespace integrator {
namespace {

// Group commit batches up to 512 writes (group_commit_writer.h).
const std::vector<double>& GroupSizeBuckets() {
  static const std::vector<double> buckets = {1,  2,  4,   8,   16,
                                              32, 64, 128, 256, 512};
  return buckets;
}

}  // namespace

StoreMetrics& StoreMetrics::For(absl::string_view backend) {
  // Never destroyed, like the registry: a commit may complete during exit.
  static StoreMetrics* const sqlite = new StoreMetrics("sqlite");  // NOLINT
  static StoreMetrics* const postgres =
      new StoreMetrics("postgres");  // NOLINT: on purpose
  return backend == "postgres" ? *postgres : *sqlite;
}

StoreMetrics::StoreMetrics(absl::string_view backend)
    : commits_(rpc::Metrics()
                   .AddCounter("integrator_store_commits_total",
                               "Durable store transactions committed.",
                               {"backend"})
                   .WithLabels({backend})),
      updates_(rpc::Metrics()
                   .AddCounter("integrator_store_updates_total",
                               "Webhook secret updates made durable.",
                               {"backend"})
                   .WithLabels({backend})),
      group_size_(rpc::Metrics()
                      .AddHistogram("integrator_store_commit_group_size",
                                    "Writes committed together in one "
                                    "transaction (group commit).",
                                    {"backend"}, GroupSizeBuckets())
                      .WithLabels({backend})),
      commit_seconds_(
          rpc::Metrics()
              .AddHistogram("integrator_store_commit_duration_seconds",
                            "Time from BEGIN to the return of COMMIT (the "
                            "write is on disk then).",
                            {"backend"}, rpc::LatencyBuckets())
              .WithLabels({backend})) {}

void StoreMetrics::Committed(size_t writes, size_t updates,
                             absl::Duration took) {
  commits_.Increment();
  if (updates > 0) updates_.Increment(static_cast<double>(updates));
  group_size_.Observe(static_cast<double>(writes));
  commit_seconds_.Observe(absl::ToDoubleSeconds(took));
}

}  // namespace integrator
