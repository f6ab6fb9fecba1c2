#include "proto/rpc/log_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace integrator::rpc {
namespace {

// A temporary file that the sink writes to and the test reads back.
class LogFile {
 public:
  LogFile() {
    char name[] = "/tmp/log_sink_test.XXXXXX";
    fd_ = ::mkstemp(name);
    path_ = name;
  }
  ~LogFile() {
    ::close(fd_);
    std::remove(path_.c_str());
  }
  int fd() const { return fd_; }
  std::string Read() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  int fd_ = -1;
  std::string path_;
};

TEST(LogSinkTest, FlushWritesEveryLineWithItsNewline) {
  LogFile file;
  LogSink sink(file.fd(), {.flush_interval = absl::Hours(1)});
  sink.Write("first");
  sink.Write("second\n");
  sink.Flush();
  EXPECT_EQ(file.Read(), "first\nsecond\n");
}

TEST(LogSinkTest, QuietLinesReachTheFileWithinTheInterval) {
  LogFile file;
  LogSink sink(file.fd(), {.flush_interval = absl::Milliseconds(5)});
  sink.Write("alone");
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (file.Read().empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_EQ(file.Read(), "alone\n");
}

TEST(LogSinkTest, DestructionWritesWhatIsLeft) {
  LogFile file;
  {
    LogSink sink(file.fd(), {.flush_interval = absl::Hours(1)});
    sink.Write("last words");
  }
  EXPECT_EQ(file.Read(), "last words\n");
}

// Many threads, a tiny buffer cap (so writers wait on the writer thread) and
// small batches: every line arrives whole, once, in each thread's order.
TEST(LogSinkTest, ConcurrentLinesNeverInterleaveOrGetLost) {
  constexpr int kThreads = 4;
  constexpr int kLines = 2000;
  LogFile file;
  {
    LogSink sink(file.fd(), {.flush_interval = absl::Milliseconds(1),
                             .batch_bytes = 256,
                             .max_buffered = 512});
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&sink, t] {
        for (int i = 0; i < kLines; ++i) {
          sink.Write(absl::StrCat("thread=", t, " line=", i, " padding"));
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  std::vector<int> next(kThreads, 0);
  int lines = 0;
  for (absl::string_view line :
       absl::StrSplit(file.Read(), '\n', absl::SkipEmpty())) {
    int t = -1;
    int i = -1;
    ASSERT_EQ(std::sscanf(std::string(line).c_str(),
                          "thread=%d line=%d padding", &t, &i),
              2)
        << line;
    ASSERT_GE(t, 0);
    ASSERT_LT(t, kThreads);
    EXPECT_EQ(i, next[t]) << "thread " << t << " out of order";
    next[t] = i + 1;
    ++lines;
  }
  EXPECT_EQ(lines, kThreads * kLines);
}

}  // namespace
}  // namespace integrator::rpc
