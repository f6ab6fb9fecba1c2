#include "proto/rpc/metrics.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace integrator::rpc {
namespace {

std::string Value(double value) {
  std::string out;
  AppendTextValue(out, value);
  return out;
}

TEST(MetricsTest, ValuesPrintAsTheTextFormatWantsThem) {
  EXPECT_EQ(Value(12), "12");
  EXPECT_EQ(Value(0), "0");
  EXPECT_EQ(Value(-3), "-3");
  EXPECT_EQ(Value(0.25), "0.25");
  EXPECT_EQ(Value(0.1), "0.1");
  EXPECT_EQ(Value(0.0005), "0.0005");
  EXPECT_EQ(Value(1e-7), "1e-07");
  EXPECT_EQ(Value(14.850000000000001), "14.850000000000001");
  EXPECT_EQ(Value(123456789012), "123456789012");
  EXPECT_EQ(Value(1e20), "1e+20");
  EXPECT_EQ(Value(std::nan("")), "NaN");
  EXPECT_EQ(Value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(Value(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(MetricsTest, CounterWithLabels) {
  MetricsRegistry registry;
  auto& requests = registry.AddCounter("integrator_http_requests_total",
                                       "HTTP requests.", {"route", "code"});
  requests.WithLabels({"Get", "404"}).Increment();
  requests.WithLabels({"Create", "200"}).Increment(2.5);
  Counter& ok = requests.WithLabels({"Get", "200"});
  ok.Increment();
  ok.Increment(11);
  ok.Increment(-5);  // ignored: counters only go up
  EXPECT_EQ(ok.value(), 12);
  EXPECT_EQ(registry.RenderText(),
            "# HELP integrator_http_requests_total HTTP requests.\n"
            "# TYPE integrator_http_requests_total counter\n"
            "integrator_http_requests_total{route=\"Create\",code=\"200\"} "
            "2.5\n"
            "integrator_http_requests_total{route=\"Get\",code=\"200\"} 12\n"
            "integrator_http_requests_total{route=\"Get\",code=\"404\"} 1\n");
}

TEST(MetricsTest, GaugesAndFamilyOrder) {
  MetricsRegistry registry;
  auto& in_flight = registry.AddGauge("b_in_flight", "In flight.", {"face"});
  Gauge& up = registry.AddGauge("a_up", "Unlabelled.", {}).WithLabels({});
  registry.AddGauge("c_unused", "No children yet.", {"x"});
  in_flight.WithLabels({"rest"}).Add(3);
  in_flight.WithLabels({"rest"}).Add(-1);
  in_flight.WithLabels({"grpc"}).Set(-0.5);
  EXPECT_EQ(in_flight.WithLabels({"rest"}).value(), 2);
  EXPECT_EQ(registry.RenderText(),
            "# HELP a_up Unlabelled.\n"
            "# TYPE a_up gauge\n"
            "a_up 0\n"
            "# HELP b_in_flight In flight.\n"
            "# TYPE b_in_flight gauge\n"
            "b_in_flight{face=\"grpc\"} -0.5\n"
            "b_in_flight{face=\"rest\"} 2\n");
  up.Set(std::nan(""));
  EXPECT_NE(registry.RenderText().find("a_up NaN\n"), std::string::npos);
}

TEST(MetricsTest, HistogramWithLabels) {
  MetricsRegistry registry;
  auto& latency = registry.AddHistogram("latency_seconds", "Latency.",
                                        {"route"}, {0.005, 0.01, 0.25, 1});
  Histogram& get = latency.WithLabels({"Get"});
  for (double v : {0.001, 0.005, 0.007, 0.2, 3.0}) get.Observe(v);
  latency.WithLabels({"List"}).Observe(std::nan(""));
  EXPECT_EQ(get.count(), 5u);
  EXPECT_DOUBLE_EQ(get.sum(), 3.213);
  EXPECT_EQ(get.CumulativeCounts(), (std::vector<uint64_t>{2, 3, 4, 4, 5}));
  EXPECT_EQ(registry.RenderText(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"Get\",le=\"0.005\"} 2\n"
            "latency_seconds_bucket{route=\"Get\",le=\"0.01\"} 3\n"
            "latency_seconds_bucket{route=\"Get\",le=\"0.25\"} 4\n"
            "latency_seconds_bucket{route=\"Get\",le=\"1\"} 4\n"
            "latency_seconds_bucket{route=\"Get\",le=\"+Inf\"} 5\n"
            "latency_seconds_sum{route=\"Get\"} 3.213\n"
            "latency_seconds_count{route=\"Get\"} 5\n"
            "latency_seconds_bucket{route=\"List\",le=\"0.005\"} 0\n"
            "latency_seconds_bucket{route=\"List\",le=\"0.01\"} 0\n"
            "latency_seconds_bucket{route=\"List\",le=\"0.25\"} 0\n"
            "latency_seconds_bucket{route=\"List\",le=\"1\"} 0\n"
            "latency_seconds_bucket{route=\"List\",le=\"+Inf\"} 1\n"
            "latency_seconds_sum{route=\"List\"} NaN\n"
            "latency_seconds_count{route=\"List\"} 1\n");
}

TEST(MetricsTest, UnlabelledHistogramAndDefaultBuckets) {
  EXPECT_EQ(LatencyBuckets(),
            (std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}));
  MetricsRegistry registry;
  // A trailing +Inf bound is the implied one.
  registry
      .AddHistogram("h", "H.", {}, {1, std::numeric_limits<double>::infinity()})
      .WithLabels({})
      .Observe(0.5);
  EXPECT_EQ(registry.RenderText(),
            "# HELP h H.\n# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\n"
            "h_sum 0.5\nh_count 1\n");
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry.AddCounter("e_total", "Back\\slash and\nnew \"line\".", {"v"})
      .WithLabels({"a\\b\"c\nd"})
      .Increment();
  EXPECT_EQ(registry.RenderText(),
            "# HELP e_total Back\\\\slash and\\nnew \"line\".\n"
            "# TYPE e_total counter\n"
            "e_total{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(MetricsTest, FoldsNewCombinationsIntoOtherAtTheLimit) {
  MetricsRegistry registry;
  auto& family = registry.AddCounter("f_total", "F.", {"a", "b"});
  family.SetMaxChildren(2);
  Counter& first = family.WithLabels({"1", "x"});
  family.WithLabels({"2", "x"}).Increment();
  Counter& third = family.WithLabels({"3", "x"});
  EXPECT_EQ(&family.WithLabels({"4", "y"}), &third);
  EXPECT_EQ(&family.WithLabels({"other", "other"}), &third);
  EXPECT_EQ(&family.WithLabels({"1", "x"}), &first);  // existing ones stay
  third.Increment(2);
  family.WithLabels({"5", "z"}).Increment();
  EXPECT_EQ(registry.RenderText(),
            "# HELP f_total F.\n# TYPE f_total counter\n"
            "f_total{a=\"1\",b=\"x\"} 0\n"
            "f_total{a=\"2\",b=\"x\"} 1\n"
            "f_total{a=\"other\",b=\"other\"} 3\n");
}

TEST(MetricsTest, SpanAndListLookUpTheSameChild) {
  MetricsRegistry registry;
  auto& family = registry.AddGauge("g", "G.", {"a", "b"});
  const std::vector<std::string> values = {"x", "y"};
  EXPECT_EQ(&family.WithLabels(values), &family.WithLabels({"x", "y"}));
}

TEST(MetricsTest, RegisteringTwiceReturnsTheSameFamily) {
  MetricsRegistry registry;
  auto& counter = registry.AddCounter("r_total", "R.", {"a"});
  EXPECT_EQ(&registry.AddCounter("r_total", "R.", {"a"}), &counter);
  auto& histogram = registry.AddHistogram("h", "H.", {}, LatencyBuckets());
  EXPECT_EQ(&registry.AddHistogram("h", "H.", {}, LatencyBuckets()),
            &histogram);
  EXPECT_EQ(&Metrics(), &Metrics());
}

TEST(MetricsDeathTest, MisuseAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  MetricsRegistry registry;
  auto& counter = registry.AddCounter("r_total", "R.", {"a"});
  EXPECT_DEATH(registry.AddCounter("r_total", "R.", {"b"}),
               "r_total registered again");
  EXPECT_DEATH(registry.AddGauge("r_total", "R.", {"a"}),
               "r_total registered again");
  EXPECT_DEATH(registry.AddHistogram("h", "H.", {}, {2, 1}),
               "strictly increasing");
  EXPECT_DEATH(registry.AddHistogram("h", "H.", {"le"}, {1}),
               "invalid label name");
  EXPECT_DEATH(registry.AddCounter("bad-name", "B.", {}),
               "invalid metric name");
  EXPECT_DEATH(counter.WithLabels({"x", "y"}), "takes 1 label values");
}

TEST(MetricsTest, CollectorsAppendAfterFamiliesAndMayUseTheRegistry) {
  MetricsRegistry registry;
  registry.AddGauge("z", "Z.", {}).WithLabels({}).Set(1);
  registry.AddCollector([&registry](std::string& out) {
    const double z = registry.AddGauge("z", "Z.", {}).WithLabels({}).value();
    AppendTextHeader(out, "a_collected", "Collected.", "gauge");
    AppendTextSample(out, "a_collected", {{"k", "v\""}}, z + 1);
  });
  EXPECT_EQ(registry.RenderText(),
            "# HELP z Z.\n# TYPE z gauge\nz 1\n"
            "# HELP a_collected Collected.\n# TYPE a_collected gauge\n"
            "a_collected{k=\"v\\\"\"} 2\n");
}

TEST(MetricsTest, ConcurrentUpdatesSumExactly) {
  MetricsRegistry registry;
  Counter& counter = registry.AddCounter("c_total", "C.", {}).WithLabels({});
  Gauge& gauge = registry.AddGauge("g", "G.", {}).WithLabels({});
  Histogram& histogram =
      registry.AddHistogram("h", "H.", {}, {1, 2}).WithLabels({});
  constexpr int kThreads = 6;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        counter.Increment();
        gauge.Add(1);
        histogram.Observe(t % 3);  // 0, 1 or 2: exact in binary
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), kThreads * kPerThread);
  EXPECT_EQ(gauge.value(), kThreads * kPerThread);
  EXPECT_EQ(histogram.count(), uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(histogram.sum(), 2.0 * (0 + 1 + 2) * kPerThread);
  EXPECT_EQ(
      histogram.CumulativeCounts(),
      (std::vector<uint64_t>{4 * kPerThread, 6 * kPerThread, 6 * kPerThread}));
}

// The per-call cost of the hot-path operations; run by hand with
// --gtest_also_run_disabled_tests --gtest_filter='*MetricsCost*'.
TEST(MetricsTest, DISABLED_MetricsCost) {
  MetricsRegistry registry;
  Counter& counter = registry.AddCounter("c_total", "C.", {}).WithLabels({});
  Histogram& histogram =
      registry.AddHistogram("h", "H.", {}, LatencyBuckets()).WithLabels({});
  constexpr int kCalls = 20000000;
  for (int threads : {1, 2}) {
    for (int which = 0; which < 2; ++which) {
      const auto start = std::chrono::steady_clock::now();
      std::vector<std::thread> workers;
      for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, which] {
          for (int i = 0; i < kCalls; ++i) {
            if (which == 0) {
              counter.Increment();
            } else {
              histogram.Observe((i & 1023) * 0.00002);
            }
          }
        });
      }
      for (std::thread& worker : workers) worker.join();
      const std::chrono::duration<double, std::nano> elapsed =
          std::chrono::steady_clock::now() - start;
      std::printf("%s, %d thread(s): %.1f ns per call per thread\n",
                  which == 0 ? "Counter::Increment" : "Histogram::Observe",
                  threads, elapsed.count() / kCalls);
    }
  }
  // Looking the child up on every call instead (a shared lock, a map walk).
  auto& family =
      registry.AddCounter("r_total", "R.", {"method", "route", "status"});
  const std::vector<std::string> routes = {"/v1/a", "/v1/b", "/v1/c"};
  for (const std::string& route : routes) {
    family.WithLabels({"GET", route, "200"});
  }
  for (int threads : {1, 2}) {
    constexpr int kLookups = kCalls / 10;
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (int i = 0; i < kLookups; ++i) {
          family.WithLabels({"GET", routes[i % 3], "200"}).Increment();
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
    const std::chrono::duration<double, std::nano> elapsed =
        std::chrono::steady_clock::now() - start;
    std::printf("WithLabels(3 values)+Increment, %d thread(s): %.1f ns\n",
                threads, elapsed.count() / kLookups);
  }
}

}  // namespace
}  // namespace integrator::rpc
