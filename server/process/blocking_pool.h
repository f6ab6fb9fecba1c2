// A few threads for work that may block for long (name resolution with
// getaddrinfo), so that it never runs on an HTTP event loop or a gRPC
// completion-queue thread, where it would stall every other call.
//
// Contract: Submit() queues `job` and returns true, or returns false at
// once when `max_queued` jobs already wait (the caller answers "retry
// later"). Jobs run on one of `threads` threads in submission order. The
// destructor runs every queued job, then joins. Thread-safe.
//
// EXAMPLE:
//   BlockingPool pool(4, 256);
//   if (!pool.Submit([=] { Resolve(host); done(); })) done(Busy());
#ifndef INTEGRATOR_SERVER_PROCESS_BLOCKING_POOL_H_
#define INTEGRATOR_SERVER_PROCESS_BLOCKING_POOL_H_

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace integrator::process {

class BlockingPool {
 public:
  BlockingPool(int threads, size_t max_queued);
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;
  ~BlockingPool();

  bool Submit(absl::AnyInvocable<void()> job);

 private:
  void Run();

  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void()>> jobs_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace integrator::process

#endif  // INTEGRATOR_SERVER_PROCESS_BLOCKING_POOL_H_
