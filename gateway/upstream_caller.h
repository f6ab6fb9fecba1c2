// Makes one unary gRPC call with an already-serialized request, through
// grpc::GenericStub: the gateway needs no per-method code.
//
// Contract: `done` is called exactly once, on a gRPC thread, with the final
// status (details preserved, see proto/rpc/status_details.h) and the
// serialized response (empty unless OK). Every call carries the deadline
// given at construction. `metadata` keys and values must already have passed
// the header policy: gRPC aborts the process on illegal metadata. The
// channel is shared; the caller is thread-safe.
//
// EXAMPLE:
//   UpstreamCaller upstream(channel, absl::Seconds(10));
//   upstream.Call("/pkg.Service/Method", bytes, metadata,
//                 [](absl::Status s, std::string response) { ... });
#ifndef GATEWAY_UPSTREAM_CALLER_H_
#define GATEWAY_UPSTREAM_CALLER_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <set>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/http_message.h"

namespace gateway {

// The seam between transcoding and transport, so tests and fuzzers can
// answer calls without a network.
class Upstream {
 public:
  using Done = absl::AnyInvocable<void(absl::Status, std::string)>;
  virtual ~Upstream() = default;
  virtual void Call(const std::string& rpc_path, std::string request,
                    const HeaderList& metadata, Done done) const = 0;
  // Cancels every call still in flight and waits until each has called its
  // `done` (for shutdown). A fake with no calls in flight does nothing.
  virtual void CancelAllAndWait() {}
};

class UpstreamCaller final : public Upstream {
 public:
  UpstreamCaller(std::shared_ptr<grpc::Channel> channel,
                 absl::Duration timeout);

  void Call(const std::string& rpc_path, std::string request,
            const HeaderList& metadata, Done done) const override;

  // For shutdown, after the HTTP drain: nothing may call back into a
  // transcoder or a session that is about to be destroyed.
  void CancelAllAndWait() override;

 private:
  struct CallState;

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  absl::Duration timeout_;
  mutable absl::Mutex mu_;
  mutable std::set<grpc::ClientContext*> live_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway

#endif  // GATEWAY_UPSTREAM_CALLER_H_
