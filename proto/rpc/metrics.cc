#include "proto/rpc/metrics.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace integrator::rpc {
namespace {

using metrics_internal::FamilyBase;
using metrics_internal::kShards;
using metrics_internal::Line;
using metrics_internal::MetricType;

// Misuse found at registration: there is no caller to return an error to.
[[noreturn]] void Fatal(absl::string_view message) {
  std::fprintf(stderr, "metrics: %.*s\n", static_cast<int>(message.size()),
               message.data());
  std::abort();
}

// The calling thread's shard: threads are dealt shards in turn, on first use.
// 0 means "not yet dealt", so the variable is constant-initialised and its
// access is one TLS load.
thread_local size_t thread_shard_plus_one = 0;
std::atomic<size_t> next_shard{0};

size_t ThreadShard() {
  size_t shard = thread_shard_plus_one;
  if (shard == 0) [[unlikely]] {
    shard = next_shard.fetch_add(1, std::memory_order_relaxed) % kShards + 1;
    thread_shard_plus_one = shard;
  }
  return shard - 1;
}

// Adds to a double kept as its bits in an atomic word.
void AddToBits(std::atomic<uint64_t>& cell, double by) {
  uint64_t old_bits = cell.load(std::memory_order_relaxed);
  while (!cell.compare_exchange_weak(
      old_bits, std::bit_cast<uint64_t>(std::bit_cast<double>(old_bits) + by),
      std::memory_order_relaxed, std::memory_order_relaxed)) {
  }
}

double BitsValue(const std::atomic<uint64_t>& cell) {
  return std::bit_cast<double>(cell.load(std::memory_order_relaxed));
}

bool ValidName(absl::string_view name, bool colons) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '_' || (colons && c == ':') ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

const char* TypeName(MetricType type) {
  static constexpr const char* kNames[] = {"counter", "gauge", "histogram"};
  return kNames[static_cast<int>(type)];
}

void AppendEscaped(std::string& out, absl::string_view text, bool quotes) {
  for (const char c : text) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '"' && quotes) {
      out.append("\\\"");
    } else {
      out.push_back(c);
    }
  }
}

// Appends `{name="value"` for the first label, `,name="value"` for others.
void AppendLabel(std::string& out, size_t index, absl::string_view name,
                 absl::string_view value) {
  absl::StrAppend(&out, index == 0 ? "{" : ",", name, "=\"");
  AppendEscaped(out, value, /*quotes=*/true);
  out.push_back('"');
}

// Appends a sample line; `le` is a histogram bucket's bound, if any.
void AppendSample(std::string& out, absl::string_view name,
                  absl::string_view suffix, absl::Span<const std::string> names,
                  absl::Span<const std::string> values, absl::string_view le,
                  double value) {
  absl::StrAppend(&out, name, suffix);
  for (size_t i = 0; i < names.size(); ++i) {
    AppendLabel(out, i, names[i], values[i]);
  }
  if (!le.empty()) AppendLabel(out, names.size(), "le", le);
  if (!names.empty() || !le.empty()) out.push_back('}');
  out.push_back(' ');
  AppendTextValue(out, value);
  out.push_back('\n');
}

}  // namespace

// --- Counter, Gauge, Histogram.

void Counter::Increment(double by) {
  if (!(by >= 0)) return;
  auto& cell = lines_[ThreadShard()].cells[0];
  AddToBits(cell, by);
}

double Counter::value() const {
  double sum = 0;
  for (const Line& line : lines_) sum += BitsValue(line.cells[0]);
  return sum;
}

void Gauge::Set(double v) { value_.store(v, std::memory_order_relaxed); }

void Gauge::Add(double by) {
  double old_value = value_.load(std::memory_order_relaxed);
  while (!value_.compare_exchange_weak(old_value, old_value + by,
                                       std::memory_order_relaxed,
                                       std::memory_order_relaxed)) {
  }
}

double Gauge::value() const { return value_.load(std::memory_order_relaxed); }

Histogram::Histogram(absl::Span<const double> upper_bounds)
    : bounds_(upper_bounds),
      lines_per_shard_((upper_bounds.size() + 2 + 7) / 8),
      lines_(new Line[kShards * lines_per_shard_]) {}

std::atomic<uint64_t>& Histogram::cell(size_t shard, size_t index) const {
  return lines_[shard * lines_per_shard_ + index / 8].cells[index % 8];
}

void Histogram::Observe(double value) {
  // Branch-free: the number of bounds below the value is its bucket; NaN
  // compares false everywhere and lands in +Inf.
  size_t bucket = 0;
  for (const double bound : bounds_) bucket += !(value <= bound);
  const size_t shard = ThreadShard();
  cell(shard, bucket).fetch_add(1, std::memory_order_relaxed);
  AddToBits(cell(shard, bounds_.size() + 1), value);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> counts(bounds_.size() + 1, 0);
  uint64_t running = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    for (size_t shard = 0; shard < kShards; ++shard) {
      running += cell(shard, i).load(std::memory_order_relaxed);
    }
    counts[i] = running;
  }
  return counts;
}

uint64_t Histogram::count() const { return CumulativeCounts().back(); }

double Histogram::sum() const {
  double sum = 0;
  for (size_t shard = 0; shard < kShards; ++shard) {
    sum += BitsValue(cell(shard, bounds_.size() + 1));
  }
  return sum;
}

// --- Families.

template <typename Metric>
Metric& Family<Metric>::WithLabels(
    std::initializer_list<absl::string_view> values) {
  return Child(values);
}

template <typename Metric>
Metric& Family<Metric>::WithLabels(absl::Span<const std::string> values) {
  return Child(values);
}

template <typename Metric>
void Family<Metric>::SetMaxChildren(size_t max_children) {
  absl::MutexLock lock(&mu_);
  max_children_ = max_children;
}

template <typename Metric>
std::unique_ptr<Metric> Family<Metric>::MakeChild() const {
  if constexpr (std::is_same_v<Metric, Histogram>) {
    return std::make_unique<Histogram>(bounds);
  } else {
    return std::make_unique<Metric>();
  }
}

template <typename Metric>
template <typename Values>
Metric& Family<Metric>::Child(const Values& values) {
  if (values.size() != label_names.size()) {
    Fatal(absl::StrCat(name, " takes ", label_names.size(), " label values (",
                       absl::StrJoin(label_names, ","), "), given ",
                       values.size()));
  }
  // An exclusive lock: cheaper than a shared one for so short a section.
  absl::MutexLock lock(&mu_);
  auto it = children_.find(values);
  if (it != children_.end()) return *it->second;
  std::vector<std::string> key;
  if (children_.size() >= max_children_) {
    key.assign(label_names.size(), "other");
    it = children_.find(key);
    if (it != children_.end()) return *it->second;
  } else {
    key.reserve(values.size());
    for (const auto& value : values) key.emplace_back(value);
  }
  return *children_.emplace(std::move(key), MakeChild()).first->second;
}

template <typename Metric>
void Family<Metric>::Render(std::string& out) const {
  absl::MutexLock lock(&mu_);
  if (children_.empty()) return;
  AppendTextHeader(out, name, help, TypeName(type));
  for (const auto& [values, child] : children_) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      const std::vector<uint64_t> counts = child->CumulativeCounts();
      std::string le;
      for (size_t i = 0; i < counts.size(); ++i) {
        le.clear();
        if (i < bounds.size()) AppendTextValue(le, bounds[i]);
        AppendSample(out, name, "_bucket", label_names, values,
                     i < bounds.size() ? absl::string_view(le) : "+Inf",
                     static_cast<double>(counts[i]));
      }
      AppendSample(out, name, "_sum", label_names, values, "", child->sum());
      AppendSample(out, name, "_count", label_names, values, "",
                   static_cast<double>(counts.back()));
    } else {
      AppendSample(out, name, "", label_names, values, "", child->value());
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// --- The registry.

template <typename Metric>
Family<Metric>& MetricsRegistry::Add(MetricType type, std::string name,
                                     std::string help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> bounds) {
  if (!ValidName(name, /*colons=*/true)) {
    Fatal(absl::StrCat("invalid metric name \"", name, "\""));
  }
  for (const std::string& label : label_names) {
    if (!ValidName(label, /*colons=*/false) || label.rfind("__", 0) == 0 ||
        (type == MetricType::kHistogram && label == "le")) {
      Fatal(absl::StrCat(name, ": invalid label name \"", label, "\""));
    }
  }
  if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) {
    bounds.pop_back();  // +Inf is implied
  }
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i - 1] < bounds[i]))) {
      Fatal(absl::StrCat(name,
                         ": bucket bounds must be finite and strictly "
                         "increasing"));
    }
  }
  absl::MutexLock lock(&mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    FamilyBase& existing = *it->second;
    if (existing.type != type || existing.label_names != label_names ||
        existing.bounds != bounds) {
      Fatal(absl::StrCat(
          name, " registered again as a ", TypeName(type), " with labels (",
          absl::StrJoin(label_names, ","), "); it is a ",
          TypeName(existing.type), " with labels (",
          absl::StrJoin(existing.label_names, ","), ") (or other buckets)"));
    }
    return static_cast<Family<Metric>&>(existing);
  }
  const bool unlabelled = label_names.empty();
  auto family = std::make_unique<Family<Metric>>(
      type, name, std::move(help), std::move(label_names), std::move(bounds));
  // An unlabelled metric exists from the start, rendering its zero.
  if (unlabelled) family->WithLabels({});
  Family<Metric>& result = *family;
  families_.emplace(std::move(name), std::move(family));
  return result;
}

Family<Counter>& MetricsRegistry::AddCounter(
    std::string name, std::string help, std::vector<std::string> label_names) {
  return Add<Counter>(MetricType::kCounter, std::move(name), std::move(help),
                      std::move(label_names), {});
}

Family<Gauge>& MetricsRegistry::AddGauge(std::string name, std::string help,
                                         std::vector<std::string> label_names) {
  return Add<Gauge>(MetricType::kGauge, std::move(name), std::move(help),
                    std::move(label_names), {});
}

Family<Histogram>& MetricsRegistry::AddHistogram(
    std::string name, std::string help, std::vector<std::string> label_names,
    std::vector<double> bucket_upper_bounds) {
  return Add<Histogram>(MetricType::kHistogram, std::move(name),
                        std::move(help), std::move(label_names),
                        std::move(bucket_upper_bounds));
}

void MetricsRegistry::AddCollector(
    std::function<void(std::string& out)> collect) {
  auto shared = std::make_shared<const std::function<void(std::string&)>>(
      std::move(collect));
  absl::MutexLock lock(&mu_);
  collectors_.push_back(std::move(shared));
}

std::string MetricsRegistry::RenderText() const {
  // Families are never removed, so pointers taken under the lock stay valid;
  // rendering and collectors then run without it.
  std::vector<const FamilyBase*> families;
  std::vector<std::shared_ptr<const std::function<void(std::string&)>>>
      collectors;
  {
    absl::MutexLock lock(&mu_);
    families.reserve(families_.size());
    for (const auto& [name, family] : families_)
      families.push_back(family.get());
    collectors = collectors_;
  }
  std::string out;
  for (const FamilyBase* family : families) family->Render(out);
  for (const auto& collect : collectors) (*collect)(out);
  return out;
}

MetricsRegistry& Metrics() {
  static MetricsRegistry* const registry =
      new MetricsRegistry();  // NOLINT: leaked on purpose, like RequestLog()
  return *registry;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double>* const buckets = new std::vector<double>{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};  // NOLINT: leaked
  return *buckets;
}

// --- The text format.

void AppendTextValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("NaN");
  } else if (std::isinf(value)) {
    out.append(value > 0 ? "+Inf" : "-Inf");
  } else if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    absl::StrAppend(&out, static_cast<int64_t>(value));
  } else {
    char buffer[32];
    // %g-style: "0.0005", "2.5", "1e-07"; the shortest exact digits.
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value,
                                      std::chars_format::general);
    out.append(buffer, result.ptr);
  }
}

void AppendTextHeader(std::string& out, absl::string_view name,
                      absl::string_view help, absl::string_view type) {
  absl::StrAppend(&out, "# HELP ", name, " ");
  AppendEscaped(out, help, /*quotes=*/false);
  absl::StrAppend(&out, "\n# TYPE ", name, " ", type, "\n");
}

void AppendTextSample(
    std::string& out, absl::string_view name,
    absl::Span<const std::pair<absl::string_view, absl::string_view>> labels,
    double value) {
  out.append(name.data(), name.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    AppendLabel(out, i, labels[i].first, labels[i].second);
  }
  if (!labels.empty()) out.push_back('}');
  out.push_back(' ');
  AppendTextValue(out, value);
  out.push_back('\n');
}

}  // namespace integrator::rpc
