// The process's request log: one line per call, written to a file descriptor
// in batches by a background thread, so a call costs an append under a lock
// rather than a write(2) (and, on a pipe, a wake-up of the reader) of its own.
//
// Contract: Write() appends one whole line ('\n' added when missing); lines
// from concurrent callers never interleave and keep the order in which
// Write() returned. Buffered lines reach the descriptor within
// `flush_interval`, at once when the buffer passes `batch_bytes`, on Flush(),
// and on destruction. When the descriptor cannot keep up and `max_buffered`
// bytes wait, Write() blocks until the writer has caught up: a line is slowed
// down, never dropped (so a stalled reader of standard error eventually
// stalls whichever thread logs, store completion threads included).
// Thread-safe.
//
// RequestLog() is the process's sink for standard error. It lives until the
// process exits and flushes at exit (std::atexit); a composition root calls
// FlushRequestLog() before it returns, once the servers have stopped.
//
// EXAMPLE:
//   rpc::RequestLog().Write(absl::StrCat("request_id=", id, " code=OK"));
//   ...
//   rpc::FlushRequestLog();  // end of main
#ifndef INTEGRATOR_PROTO_RPC_LOG_SINK_H_
#define INTEGRATOR_PROTO_RPC_LOG_SINK_H_

#include <cstddef>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace integrator::rpc {

class LogSink {
 public:
  struct Options {
    absl::Duration flush_interval = absl::Milliseconds(10);
    size_t batch_bytes = 32 * 1024;
    size_t max_buffered = 4 * 1024 * 1024;
  };

  // Writes to `fd`, which must stay open for the sink's lifetime; the sink
  // does not close it.
  explicit LogSink(int fd) : LogSink(fd, Options()) {}
  LogSink(int fd, Options options);
  ~LogSink();
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  void Write(absl::string_view line);

  // Returns once every line written before the call has reached the
  // descriptor (or the descriptor failed).
  void Flush();

 private:
  void Run();
  // Writes what is buffered; the caller holds write_mu_.
  void WriteBuffered() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  const int fd_;
  const Options options_;
  // Held while a batch goes to the descriptor, so batches keep their order.
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  absl::Mutex mu_;
  // The writer waits on `batch_ready_`; writers held back wait on `room_`.
  // Condition variables rather than Mutex::Await, so an uncontended Write()
  // unlocks without evaluating anyone's condition.
  absl::CondVar batch_ready_;
  absl::CondVar room_;
  std::string buffer_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_;
};

// The process's request log on standard error.
LogSink& RequestLog();
void FlushRequestLog();

}  // namespace integrator::rpc

#endif  // INTEGRATOR_PROTO_RPC_LOG_SINK_H_
