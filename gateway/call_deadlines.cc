#include "gateway/call_deadlines.h"

#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "gateway/gateway_error.h"

namespace gateway {

CallDeadlines::CallDeadlines(absl::Duration timeout)
    : timeout_(timeout), thread_([this] { Run(); }) {}

CallDeadlines::~CallDeadlines() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

Invoker::Done CallDeadlines::Guard(Invoker::Done done) {
  auto pending = std::make_shared<Pending>();
  pending->deadline = absl::Now() + timeout_;
  pending->done = std::move(done);
  Queue::iterator position;
  {
    absl::MutexLock lock(&mu_);
    position = queue_.insert(queue_.end(), pending);
  }
  return [this, pending, position](
             absl::Status status,
             std::unique_ptr<google::protobuf::Message> response) mutable {
    Invoker::Done done;
    {
      absl::MutexLock lock(&mu_);
      // Answered already if the deadline took `done` (and the entry).
      if (!pending->done) return;
      done = std::move(pending->done);
      pending->done = nullptr;
      queue_.erase(position);
    }
    done(std::move(status), std::move(response));
  };
}

bool CallDeadlines::Wake() const {
  return stopping_ ||
         (!queue_.empty() && queue_.front()->deadline < waiting_until_);
}

void CallDeadlines::Run() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    // Also woken when a call is added to an empty queue (absl::Mutex
    // re-evaluates the condition whenever the lock is released).
    waiting_until_ =
        queue_.empty() ? absl::InfiniteFuture() : queue_.front()->deadline;
    mu_.AwaitWithDeadline(absl::Condition(this, &CallDeadlines::Wake),
                          waiting_until_);
    std::vector<Invoker::Done> late;
    const absl::Time now = absl::Now();
    while (!queue_.empty() && queue_.front()->deadline <= now) {
      late.push_back(std::move(queue_.front()->done));
      queue_.front()->done = nullptr;
      queue_.pop_front();
    }
    if (late.empty()) continue;
    mu_.Unlock();
    for (Invoker::Done& done : late) {
      done(GatewayError(504, "DEADLINE_EXCEEDED",
                        "the service did not answer in time"),
           nullptr);
    }
    mu_.Lock();
  }
}

}  // namespace gateway
