// Gives every call of an invoker that has no deadline of its own (the
// embedded gateway's direct invoker) the REST face's request timeout: a
// call not answered in time is answered DEADLINE_EXCEEDED (a 504 problem),
// and its late answer is dropped.
//
// Contract: Guard(done) returns a callback to pass to the call instead of
// `done`; `done` then runs exactly once, with the call's answer or with
// DEADLINE_EXCEEDED at `timeout` after Guard(), whichever comes first, and
// never under a lock of this class. One thread waits for the deadlines;
// since every call gets the same timeout, pending calls sit in a list in
// deadline order, and an answered call leaves it at once, so the thread
// wakes only for calls that are really late. The destructor stops the
// thread; every guarded callback must have run or been destroyed by then
// (its owner waits for its calls, see cmd/direct_invoker.h). Thread-safe.
//
// EXAMPLE:
//   CallDeadlines deadlines(absl::Seconds(10));
//   service.Call(request, deadlines.Guard(std::move(done)));
#ifndef GATEWAY_CALL_DEADLINES_H_
#define GATEWAY_CALL_DEADLINES_H_

#include <list>
#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/invoker.h"

namespace gateway {

class CallDeadlines {
 public:
  explicit CallDeadlines(absl::Duration timeout);
  ~CallDeadlines();
  CallDeadlines(const CallDeadlines&) = delete;
  CallDeadlines& operator=(const CallDeadlines&) = delete;

  Invoker::Done Guard(Invoker::Done done);

 private:
  struct Pending {
    absl::Time deadline;
    Invoker::Done done;
  };
  using Queue = std::list<std::shared_ptr<Pending>>;

  void Run();
  bool Wake() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration timeout_;
  absl::Mutex mu_;
  Queue queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time waiting_until_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace gateway

#endif  // GATEWAY_CALL_DEADLINES_H_
