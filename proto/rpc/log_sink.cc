#include "proto/rpc/log_sink.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

namespace integrator::rpc {
namespace {

// Writes all of `data`, retrying short writes and EINTR, and waiting for a
// non-blocking descriptor to take more. A failing descriptor drops the rest
// of the batch: there is nowhere left to report it.
void WriteFully(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd writable{fd, POLLOUT, 0};
      (void)::poll(&writable, 1, /*timeout_ms=*/1000);
      continue;
    }
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

LogSink::LogSink(int fd, Options options)
    : fd_(fd), options_(options), writer_([this] { Run(); }) {}

LogSink::~LogSink() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    batch_ready_.Signal();
    room_.SignalAll();
  }
  writer_.join();
  Flush();
}

void LogSink::Write(absl::string_view line) {
  absl::MutexLock lock(&mu_);
  // Back-pressure: wait for the writer rather than grow without bound.
  while (buffer_.size() >= options_.max_buffered && !stopping_) {
    batch_ready_.Signal();
    room_.Wait(&mu_);
  }
  const bool was_below_batch = buffer_.size() < options_.batch_bytes;
  buffer_.append(line.data(), line.size());
  if (line.empty() || line.back() != '\n') buffer_.push_back('\n');
  if (was_below_batch && buffer_.size() >= options_.batch_bytes) {
    batch_ready_.Signal();
  }
}

void LogSink::Flush() {
  absl::MutexLock lock(&write_mu_);
  WriteBuffered();
}

void LogSink::WriteBuffered() {
  std::string batch;
  {
    absl::MutexLock lock(&mu_);
    batch.swap(buffer_);
    room_.SignalAll();
  }
  WriteFully(fd_, batch);
}

void LogSink::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      // Sleeps an interval at a time; a full batch or a stop wakes it early.
      if (!stopping_ && buffer_.size() < options_.batch_bytes) {
        batch_ready_.WaitWithTimeout(&mu_, options_.flush_interval);
      }
      if (stopping_) return;
      if (buffer_.empty()) continue;
    }
    absl::MutexLock lock(&write_mu_);
    WriteBuffered();
  }
}

LogSink& RequestLog() {
  // Constructed on first use and deliberately never destroyed (Envoy's
  // MUTABLE_CONSTRUCT_ON_FIRST_USE), so that a late line from any thread
  // still has a sink during exit; std::atexit flushes what is left.
  static LogSink* const sink = [] {
    auto* created = new LogSink(STDERR_FILENO);  // NOLINT: leaked on purpose
    std::atexit([] { RequestLog().Flush(); });
    return created;
  }();
  return *sink;
}

void FlushRequestLog() { RequestLog().Flush(); }

}  // namespace integrator::rpc
