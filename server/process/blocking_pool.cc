#include "server/process/blocking_pool.h"

#include <utility>

namespace integrator::process {

BlockingPool::BlockingPool(int threads, size_t max_queued)
    : max_queued_(max_queued) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

BlockingPool::~BlockingPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) thread.join();
}

bool BlockingPool::Submit(absl::AnyInvocable<void()> job) {
  absl::MutexLock lock(&mu_);
  if (jobs_.size() >= max_queued_) return false;
  jobs_.push_back(std::move(job));
  return true;
}

void BlockingPool::Run() {
  for (;;) {
    absl::AnyInvocable<void()> job;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !jobs_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (jobs_.empty()) return;  // stopping, and everything ran
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace integrator::process
