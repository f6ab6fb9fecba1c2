#include "proto/rpc/process_metrics.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace integrator::rpc {
namespace {

// A descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(const char* path, int flags = 0)
      : fd_(::open(path, O_RDONLY | O_CLOEXEC | flags)) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  const int fd_;
};

ssize_t ReadRetrying(int fd, char* buffer, size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd, buffer, size);
    if (n >= 0 || errno != EINTR) return n;
  }
}

// Reads the start of a small file into `buffer` (what does not fit is left
// unread); nothing when it cannot be read.
std::optional<absl::string_view> ReadPrefix(const char* path, char* buffer,
                                            size_t size) {
  Fd fd(path);
  if (fd.get() < 0) return std::nullopt;
  size_t used = 0;
  while (used < size) {
    const ssize_t n = ReadRetrying(fd.get(), buffer + used, size - used);
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  return absl::string_view(buffer, used);
}

// Calls `on_line` for each line of `path` until it returns false; a line
// longer than the fixed buffer is skipped. False when the file cannot be read.
template <typename OnLine>
bool ForEachLine(const char* path, OnLine on_line) {
  Fd fd(path);
  if (fd.get() < 0) return false;
  char buffer[4096];
  size_t used = 0;
  bool skipping = false;  // inside a line that did not fit
  for (;;) {
    const ssize_t n =
        ReadRetrying(fd.get(), buffer + used, sizeof(buffer) - used);
    if (n < 0) return false;
    if (n == 0) {
      if (used > 0 && !skipping) on_line(absl::string_view(buffer, used));
      return true;
    }
    used += static_cast<size_t>(n);
    size_t start = 0;
    while (const void* newline =
               std::memchr(buffer + start, '\n', used - start)) {
      const size_t end = static_cast<const char*>(newline) - buffer;
      if (!skipping &&
          !on_line(absl::string_view(buffer + start, end - start))) {
        return true;
      }
      skipping = false;
      start = end + 1;
    }
    std::memmove(buffer, buffer + start, used - start);
    used -= start;
    if (used == sizeof(buffer)) {
      skipping = true;
      used = 0;
    }
  }
}

std::optional<ProcStat> ReadProcSelfStat() {
  char buffer[2048];
  const std::optional<absl::string_view> line =
      ReadPrefix("/proc/self/stat", buffer, sizeof(buffer));
  if (!line.has_value()) return std::nullopt;
  absl::StatusOr<ProcStat> stat = ParseProcStat(*line);
  if (!stat.ok()) return std::nullopt;
  return *stat;
}

// Seconds since the epoch at which the system booted, from /proc/stat.
std::optional<uint64_t> BootTime() {
  std::optional<uint64_t> boot_time;
  ForEachLine("/proc/stat", [&](absl::string_view line) {
    if (!absl::ConsumePrefix(&line, "btime ")) return true;
    uint64_t seconds = 0;
    if (absl::SimpleAtoi(line, &seconds)) boot_time = seconds;
    return false;
  });
  return boot_time;
}

// Open descriptors, not counting the one that lists them.
std::optional<uint64_t> OpenFds() {
  Fd dir("/proc/self/fd", O_DIRECTORY);
  if (dir.get() < 0) return std::nullopt;
  const std::string own = absl::StrCat(dir.get());
  uint64_t count = 0;
  alignas(dirent64) char buffer[4096];
  for (;;) {
    const ssize_t n = ::getdents64(dir.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) return count;
    for (ssize_t offset = 0; offset < n;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer + offset);
      const absl::string_view name = entry->d_name;
      if (name != "." && name != ".." && name != own) ++count;
      offset += entry->d_reclen;
    }
  }
}

std::optional<double> MaxFds() {
  rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;
  if (limit.rlim_cur == RLIM_INFINITY) {
    return std::numeric_limits<double>::infinity();
  }
  return static_cast<double>(limit.rlim_cur);
}

void AppendGauge(std::string& out, absl::string_view name,
                 absl::string_view help, absl::string_view type,
                 std::optional<double> value) {
  if (!value.has_value()) return;
  AppendTextHeader(out, name, help, type);
  AppendTextSample(out, name, {}, *value);
}

void CollectProcessMetrics(std::string& out) {
  const std::optional<ProcStat> stat = ReadProcSelfStat();
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  std::optional<double> cpu, resident, virtual_bytes, threads, start;
  if (stat.has_value()) {
    if (ticks_per_second > 0) {
      cpu = static_cast<double>(stat->utime_ticks + stat->stime_ticks) /
            static_cast<double>(ticks_per_second);
      if (const std::optional<uint64_t> boot = BootTime(); boot.has_value()) {
        start = static_cast<double>(*boot) +
                static_cast<double>(stat->start_time_ticks) /
                    static_cast<double>(ticks_per_second);
      }
    }
    if (page_size > 0) {
      resident =
          static_cast<double>(stat->rss_pages) * static_cast<double>(page_size);
    }
    virtual_bytes = static_cast<double>(stat->vsize_bytes);
    threads = static_cast<double>(stat->num_threads);
  }
  std::optional<double> open_fds;
  if (const std::optional<uint64_t> count = OpenFds(); count.has_value()) {
    open_fds = static_cast<double>(*count);
  }
  AppendGauge(out, "process_cpu_seconds_total",
              "Total user and system CPU time spent in seconds.", "counter",
              cpu);
  AppendGauge(out, "process_max_fds",
              "Maximum number of open file descriptors.", "gauge", MaxFds());
  AppendGauge(out, "process_open_fds", "Number of open file descriptors.",
              "gauge", open_fds);
  AppendGauge(out, "process_resident_memory_bytes",
              "Resident memory size in bytes.", "gauge", resident);
  AppendGauge(out, "process_start_time_seconds",
              "Start time of the process since unix epoch in seconds.", "gauge",
              start);
  AppendGauge(out, "process_threads", "Number of OS threads in the process.",
              "gauge", threads);
  AppendGauge(out, "process_virtual_memory_bytes",
              "Virtual memory size in bytes.", "gauge", virtual_bytes);
}

}  // namespace

absl::StatusOr<ProcStat> ParseProcStat(absl::string_view line) {
  const size_t close = line.rfind(')');
  if (close == absl::string_view::npos) {
    return absl::InvalidArgumentError("stat line without a command name");
  }
  ProcStat stat;
  int field = 3;  // the first after the command name: the state
  int parsed = 0;
  for (absl::string_view token : absl::StrSplit(
           line.substr(close + 1), absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
    uint64_t* target = nullptr;
    switch (field++) {
      case 14:
        target = &stat.utime_ticks;
        break;
      case 15:
        target = &stat.stime_ticks;
        break;
      case 20:
        target = &stat.num_threads;
        break;
      case 22:
        target = &stat.start_time_ticks;
        break;
      case 23:
        target = &stat.vsize_bytes;
        break;
      case 24:
        target = &stat.rss_pages;
        break;
      default:
        continue;
    }
    if (!absl::SimpleAtoi(token, target)) {
      return absl::InvalidArgumentError(
          absl::StrCat("stat field ", field - 1, " is not a number"));
    }
    if (++parsed == 6) return stat;
  }
  return absl::InvalidArgumentError("stat line too short");
}

void RegisterProcessMetrics(MetricsRegistry& registry, absl::string_view binary,
                            absl::string_view version) {
  registry
      .AddGauge("integrator_build_info",
                "The binary and version of this process; always 1.",
                {"binary", "version"})
      .WithLabels({binary, version})
      .Set(1);
  registry.AddCollector(CollectProcessMetrics);
}

}  // namespace integrator::rpc
