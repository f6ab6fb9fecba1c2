// grpc_load: a closed-loop gRPC load driver for UpdateWebhookSecret.
//
// Each of --concurrency callers keeps exactly one call in flight through the
// callback API, for --duration after a --warmup. Every status is checked; a
// run with any non-OK call reports it and exits 1. Prints one line:
//   concurrency=64 calls=... updates_per_s=... p50_ms=... p99_ms=... errors=0
// It measures; it asserts nothing about speed.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "integrator/v1/integrator.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "server host:port");
ABSL_FLAG(std::string, key, "", "API key with write:webhook-secret");
ABSL_FLAG(int, concurrency, 16, "callers, each with one call in flight");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "measured time");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "unmeasured lead-in");

namespace {

using integrator::v1::IntegratorService;
using integrator::v1::UpdateWebhookSecretRequest;
using integrator::v1::UpdateWebhookSecretResponse;

struct Results {
  absl::Mutex mu;
  std::vector<double> latencies_ms ABSL_GUARDED_BY(mu);
  uint64_t errors ABSL_GUARDED_BY(mu) = 0;
  std::string first_error ABSL_GUARDED_BY(mu);
};

// One caller: issues the next call from the previous call's callback.
class Caller {
 public:
  Caller(IntegratorService::Stub* stub, std::string key, int index,
         absl::Time measure_from, absl::Time stop_at, Results* results,
         std::atomic<int>* running, absl::Notification* all_done)
      : stub_(stub),
        key_(std::move(key)),
        index_(index),
        measure_from_(measure_from),
        stop_at_(stop_at),
        results_(results),
        running_(running),
        all_done_(all_done) {}

  void Next() {
    if (absl::Now() >= stop_at_) {
      if (running_->fetch_sub(1) == 1) all_done_->Notify();
      return;
    }
    context_ = std::make_unique<grpc::ClientContext>();
    context_->AddMetadata("authorization", "Bearer " + key_);
    context_->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    request_.set_secret(absl::StrCat("whsec_bench_", index_, "_", ++sequence_));
    start_ = absl::Now();
    stub_->async()->UpdateWebhookSecret(
        context_.get(), &request_, &response_, [this](grpc::Status status) {
          const absl::Time end = absl::Now();
          if (start_ >= measure_from_ && end <= stop_at_) {
            absl::MutexLock lock(&results_->mu);
            if (status.ok() && response_.secret_configured()) {
              results_->latencies_ms.push_back(
                  absl::ToDoubleMilliseconds(end - start_));
            } else {
              if (results_->errors++ == 0) {
                results_->first_error = absl::StrCat(status.error_code(), " ",
                                                     status.error_message());
              }
            }
          } else if (!status.ok()) {
            absl::MutexLock lock(&results_->mu);
            if (results_->errors++ == 0) {
              results_->first_error = absl::StrCat(status.error_code(), " ",
                                                   status.error_message());
            }
          }
          Next();
        });
  }

 private:
  IntegratorService::Stub* stub_;
  std::string key_;
  int index_;
  absl::Time measure_from_;
  absl::Time stop_at_;
  Results* results_;
  std::atomic<int>* running_;
  absl::Notification* all_done_;
  std::unique_ptr<grpc::ClientContext> context_;
  UpdateWebhookSecretRequest request_;
  UpdateWebhookSecretResponse response_;
  absl::Time start_;
  uint64_t sequence_ = 0;
};

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t index =
      std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[index];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  if (concurrency < 1 || concurrency > 4096 ||
      absl::GetFlag(FLAGS_key).empty()) {
    std::fprintf(stderr, "grpc_load: needs --key and 1..4096 --concurrency\n");
    return 2;
  }
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_target),
                                     grpc::InsecureChannelCredentials());
  auto stub = IntegratorService::NewStub(channel);
  const absl::Time measure_from = absl::Now() + absl::GetFlag(FLAGS_warmup);
  const absl::Time stop_at = measure_from + absl::GetFlag(FLAGS_duration);
  Results results;
  std::atomic<int> running{concurrency};
  absl::Notification all_done;
  std::vector<std::unique_ptr<Caller>> callers;
  for (int i = 0; i < concurrency; ++i) {
    callers.push_back(std::make_unique<Caller>(
        stub.get(), absl::GetFlag(FLAGS_key), i, measure_from, stop_at,
        &results, &running, &all_done));
  }
  for (auto& caller : callers) caller->Next();
  all_done.WaitForNotification();

  absl::MutexLock lock(&results.mu);
  std::sort(results.latencies_ms.begin(), results.latencies_ms.end());
  const double seconds = absl::ToDoubleSeconds(absl::GetFlag(FLAGS_duration));
  std::printf(
      "concurrency=%d calls=%zu updates_per_s=%.0f p50_ms=%.3f p99_ms=%.3f "
      "errors=%llu\n",
      concurrency, results.latencies_ms.size(),
      results.latencies_ms.size() / seconds,
      Percentile(results.latencies_ms, 0.50),
      Percentile(results.latencies_ms, 0.99),
      static_cast<unsigned long long>(results.errors));
  if (results.errors > 0) {
    std::fprintf(stderr, "grpc_load: first error: %s\n",
                 results.first_error.c_str());
    return 1;
  }
  return 0;
}
