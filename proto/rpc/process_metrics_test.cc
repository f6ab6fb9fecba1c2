#include "proto/rpc/process_metrics.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "proto/rpc/metrics.h"

namespace integrator::rpc {
namespace {

TEST(ProcessMetricsTest, ParsesStatPastAnAwkwardCommandName) {
  // Fields 1..24 of proc(5); the command name holds spaces and a ')'.
  const absl::StatusOr<ProcStat> stat = ParseProcStat(
      "42 (a) b c) S 1 42 42 0 -1 4194560 100 0 0 0 "
      "250 70 0 0 20 0 7 0 123456 104857600 2560 18446744073709551615 1 2\n");
  ASSERT_TRUE(stat.ok()) << stat.status();
  EXPECT_EQ(stat->utime_ticks, 250u);
  EXPECT_EQ(stat->stime_ticks, 70u);
  EXPECT_EQ(stat->num_threads, 7u);
  EXPECT_EQ(stat->start_time_ticks, 123456u);
  EXPECT_EQ(stat->vsize_bytes, 104857600u);
  EXPECT_EQ(stat->rss_pages, 2560u);
}

TEST(ProcessMetricsTest, RejectsBrokenStatLines) {
  EXPECT_FALSE(ParseProcStat("").ok());
  EXPECT_FALSE(ParseProcStat("42 no command name here").ok());
  EXPECT_FALSE(ParseProcStat("42 (x) S 1 2 3").ok());
  EXPECT_FALSE(ParseProcStat("42 (x) S 1 42 42 0 -1 4194560 100 0 0 0 "
                             "ten 70 0 0 20 0 7 0 1 2 3")
                   .ok());
}

// The unlabelled samples of a rendering, by name.
std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const std::pair<std::string, std::string> parts =
        absl::StrSplit(line, absl::MaxSplits(' ', 1));
    double value = 0;
    if (parts.second == "+Inf") {
      value = 1e300;
    } else if (!absl::SimpleAtod(parts.second, &value)) {
      ADD_FAILURE() << "unparsable sample: " << line;
    }
    samples[parts.first] = value;
  }
  return samples;
}

TEST(ProcessMetricsTest, RendersProcessMetricsAndBuildInfo) {
  MetricsRegistry registry;
  RegisterProcessMetrics(registry, "integrator-server", "1.2.3");
  const std::string text = registry.RenderText();
  EXPECT_EQ(text.rfind("# HELP integrator_build_info ", 0), 0u) << text;
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE process_open_fds gauge\n"), std::string::npos);

  std::map<std::string, double> samples = Samples(text);
  EXPECT_EQ(samples["integrator_build_info{binary=\"integrator-server\","
                    "version=\"1.2.3\"}"],
            1);
  EXPECT_GT(samples["process_resident_memory_bytes"], 1 << 20);
  EXPECT_GE(samples["process_virtual_memory_bytes"],
            samples["process_resident_memory_bytes"]);
  EXPECT_GE(samples["process_threads"], 1);
  EXPECT_GE(samples["process_cpu_seconds_total"], 0);
  EXPECT_GE(samples["process_open_fds"], 1);
  EXPECT_GE(samples["process_max_fds"], samples["process_open_fds"]);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(samples["process_start_time_seconds"], now - 86400);
  EXPECT_LE(samples["process_start_time_seconds"], now + 1);
  EXPECT_EQ(samples.size(), 8u) << text;

  // The count follows the descriptors (>=: other tests' threads may open
  // some of their own meanwhile).
  int fds[3];
  for (int& fd : fds) fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(Samples(registry.RenderText())["process_open_fds"],
            samples["process_open_fds"] + 3);
  for (int fd : fds) ::close(fd);
}

}  // namespace
}  // namespace integrator::rpc
