// The embedded gateway's invoker: hands the bound request message straight
// to the service core in this process (DESIGN.md, "two faces, one core"),
// with no serialization, no gRPC transport and no thread hop. The
// composition root is the one place where the gateway and the server meet.
//
// Contract: as gateway::Invoker, with `timeout` as every call's deadline
// (gateway/call_deadlines.h). The call's CallContext is built from the
// forwarded metadata (the request id the transcoder chose, the credentials,
// the signed-request facts), so the core authenticates and logs the call
// exactly as a gRPC call; the gateway's facts are trusted because the call
// comes through this path, not because of anything in the metadata.
// CancelAllAndWait() cannot cancel a call (a store write commits or fails on
// its own) but waits until every call has answered and its `done` has
// returned, whether the answer or the deadline ran it; the store must still
// be open then. The deadlines (and this invoker) must outlive that wait.
//
// EXAMPLE:
//   auto invoker = std::make_shared<DirectInvoker>(&server.methods(),
//                                                  absl::Seconds(10));
//   RestGateway::Start(pool, services, invoker, options, http_options);
#ifndef CMD_DIRECT_INVOKER_H_
#define CMD_DIRECT_INVOKER_H_

#include <memory>

#include "absl/synchronization/mutex.h"
#include "gateway/call_deadlines.h"
#include "gateway/invoker.h"
#include "server/core/method_registry.h"

namespace integrator::cmd {

class DirectInvoker final : public gateway::Invoker {
 public:
  // Each call is answered 504 after `timeout` if the core has not answered.
  DirectInvoker(const core::MethodRegistry* methods, absl::Duration timeout)
      : methods_(methods),
        deadlines_(timeout),
        in_flight_(std::make_shared<InFlight>()) {}

  void Invoke(const gateway::RouteMethod& route,
              std::unique_ptr<google::protobuf::Message> request,
              const gateway::HeaderList& metadata, Done done) const override;
  void CancelAllAndWait() override;

 private:
  struct InFlight {
    absl::Mutex mu;
    int calls ABSL_GUARDED_BY(mu) = 0;
  };
  // Counts one call in flight for as long as it lives.
  class CallToken {
   public:
    explicit CallToken(std::shared_ptr<InFlight> in_flight)
        : in_flight_(std::move(in_flight)) {
      absl::MutexLock lock(&in_flight_->mu);
      ++in_flight_->calls;
    }
    ~CallToken() {
      absl::MutexLock lock(&in_flight_->mu);
      --in_flight_->calls;
    }
    CallToken(const CallToken&) = delete;
    CallToken& operator=(const CallToken&) = delete;

   private:
    std::shared_ptr<InFlight> in_flight_;
  };

  const core::MethodRegistry* methods_;
  mutable gateway::CallDeadlines deadlines_;
  std::shared_ptr<InFlight> in_flight_;
};

}  // namespace integrator::cmd

#endif  // CMD_DIRECT_INVOKER_H_
