// Prometheus metrics: counters, gauges and histograms in families keyed by
// label values, rendered in the text exposition format 0.0.4.
//
// Contract: a family has one name, fixed label names and one child per
// combination of label values. WithLabels() takes the family's lock and may
// allocate (first use of a combination); the child it returns lives as long
// as the registry, so hot paths look a child up once and keep the reference.
// Updating a child (Counter::Increment, Gauge::Add/Set, Histogram::Observe)
// takes no lock and allocates nothing: a few relaxed atomic operations on
// cells sharded by thread, so threads on different cores rarely share a cache
// line. A family holds at most `max_children` combinations (500 by default);
// further new combinations all land in one child whose every label value is
// "other", so a label fed from input cannot grow memory without bound.
// Labels must never carry ids, keys or secrets.
//
// Registering a name again returns the first family when type, label names
// (and buckets) match; any other mismatch, or an invalid metric or label
// name, is a programming error and aborts with a message (it happens at
// start). RenderText() writes the registered families sorted by name, their
// children sorted by label values, then what each collector appends, in the
// order the collectors were added. Rendering reads the atomics without
// stopping writers: a histogram's _count always equals its +Inf bucket, its
// _sum may lag an observation in flight. Thread-safe.
//
// Metrics() is the process's registry; like RequestLog() it is never
// destroyed, so references into it stay valid for every thread until exit.
//
// EXAMPLE:
//   auto& requests = rpc::Metrics().AddCounter(
//       "integrator_http_requests_total", "HTTP requests.", {"route", "code"});
//   auto& latency = rpc::Metrics().AddHistogram(
//       "integrator_http_request_duration_seconds", "Latency.", {"route"},
//       rpc::LatencyBuckets());
//   rpc::Counter& ok = requests.WithLabels({"GetIntegration", "200"});  // once
//   ok.Increment();                                  // per request: lock-free
//   latency.WithLabels({"GetIntegration"}).Observe(0.0042);
//   std::string body = rpc::Metrics().RenderText();  // GET /metrics
#ifndef INTEGRATOR_PROTO_RPC_METRICS_H_
#define INTEGRATOR_PROTO_RPC_METRICS_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace integrator::rpc {
namespace metrics_internal {

// Cells per metric; a thread always updates the same one. A power of two.
inline constexpr size_t kShards = 8;

// One cache line of 8-byte cells, so that shards never share a line.
struct alignas(64) Line {
  std::atomic<uint64_t> cells[8] = {};
};

// Orders label-value tuples; transparent, so lookups need no key copy.
struct LabelsLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](const auto& x, const auto& y) {
                                          return absl::string_view(x) <
                                                 absl::string_view(y);
                                        });
  }
};

enum class MetricType { kCounter, kGauge, kHistogram };

// What the registry keeps of a family of any type.
class FamilyBase {
 public:
  FamilyBase(MetricType type, std::string name, std::string help,
             std::vector<std::string> label_names, std::vector<double> bounds)
      : type(type),
        name(std::move(name)),
        help(std::move(help)),
        label_names(std::move(label_names)),
        bounds(std::move(bounds)) {}
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  virtual void Render(std::string& out) const = 0;

  const MetricType type;
  const std::string name;
  const std::string help;
  const std::vector<std::string> label_names;
  const std::vector<double> bounds;  // histograms only; no +Inf
};

}  // namespace metrics_internal

// A monotonic count. Increment() ignores negative and NaN amounts.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;
  void Increment(double by = 1);
  double value() const;

 private:
  metrics_internal::Line lines_[metrics_internal::kShards];
};

// A value that goes up and down (in flight, queue depth, last-seen sizes).
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;
  void Set(double v);
  void Add(double by);
  double value() const;

 private:
  alignas(64) std::atomic<double> value_{0};  // a line of its own
};

// Observations counted into cumulative buckets, plus their sum and count.
class Histogram {
 public:
  // `upper_bounds` (strictly increasing, finite, +Inf implied) must outlive
  // the histogram; a family passes its own copy.
  explicit Histogram(absl::Span<const double> upper_bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // A value goes into the first bucket whose bound is >= value; NaN into +Inf.
  void Observe(double value);
  uint64_t count() const;
  double sum() const;
  // Cumulative counts, one per bound and a last one for +Inf (== count()).
  std::vector<uint64_t> CumulativeCounts() const;

 private:
  std::atomic<uint64_t>& cell(size_t shard, size_t index) const;

  const absl::Span<const double> bounds_;
  // Per shard: bounds_.size() + 1 bucket counts, then the sum's bits.
  const size_t lines_per_shard_;
  const std::unique_ptr<metrics_internal::Line[]> lines_;
};

inline constexpr size_t kDefaultMaxChildren = 500;

template <typename Metric>
class Family final : public metrics_internal::FamilyBase {
 public:
  // Returns the child for these label values (as many as label names; a
  // different number aborts), made on first use; see the file comment.
  Metric& WithLabels(std::initializer_list<absl::string_view> values);
  Metric& WithLabels(absl::Span<const std::string> values);

  // Caps the number of distinct combinations (the "other" child not counted).
  void SetMaxChildren(size_t max_children);

  void Render(std::string& out) const override;

  // Used by MetricsRegistry; callers use MetricsRegistry::Add*().
  using FamilyBase::FamilyBase;

 private:
  template <typename Values>
  Metric& Child(const Values& values);
  std::unique_ptr<Metric> MakeChild() const;

  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>,
           metrics_internal::LabelsLess>
      children_ ABSL_GUARDED_BY(mu_);
  size_t max_children_ ABSL_GUARDED_BY(mu_) = kDefaultMaxChildren;
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Family<Counter>& AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names);
  Family<Gauge>& AddGauge(std::string name, std::string help,
                          std::vector<std::string> label_names);
  Family<Histogram>& AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> label_names,
                                  std::vector<double> bucket_upper_bounds);

  // `collect` appends complete families in the text format (see
  // AppendTextHeader/AppendTextSample) computed at render time. It is called
  // without the registry's lock, possibly from several renders at once.
  void AddCollector(std::function<void(std::string& out)> collect);

  std::string RenderText() const;

 private:
  template <typename Metric>
  Family<Metric>& Add(metrics_internal::MetricType type, std::string name,
                      std::string help, std::vector<std::string> label_names,
                      std::vector<double> bounds);

  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<metrics_internal::FamilyBase>,
           std::less<>>
      families_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<const std::function<void(std::string&)>>>
      collectors_ ABSL_GUARDED_BY(mu_);
};

// The process-wide registry, never destroyed.
MetricsRegistry& Metrics();

// 0.0005 s to 10 s: 0.0005, 0.001, 0.0025, 0.005, ..., 2.5, 5, 10.
const std::vector<double>& LatencyBuckets();

// --- The text format, for collectors.

// Appends a value: integers without a decimal point ("12"), others in the
// shortest form that reads back exactly ("0.25", "1e-07"), NaN, +Inf, -Inf.
void AppendTextValue(std::string& out, double value);
// Appends "# HELP name help" (help escaped) and "# TYPE name type" lines;
// `type` is "counter", "gauge", "histogram" or "untyped".
void AppendTextHeader(std::string& out, absl::string_view name,
                      absl::string_view help, absl::string_view type);
// Appends `name{label="value",...} value`, label values escaped (\\ \" \n).
void AppendTextSample(
    std::string& out, absl::string_view name,
    absl::Span<const std::pair<absl::string_view, absl::string_view>> labels,
    double value);

}  // namespace integrator::rpc

#endif  // INTEGRATOR_PROTO_RPC_METRICS_H_
