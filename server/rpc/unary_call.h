// The per-call state of a callback-API unary RPC: request id, metadata
// access, the CallContext for the core, and the single exit that finishes
// the call and writes its log line (rpc/call_log.h).
//
// Contract: construct it first thing in a handler. Finish() may be called
// from any thread (a store's writer thread, say) and must be called exactly
// once; it converts the absl::Status with its details to a grpc::Status and
// logs `request_id rpc code latency` — never the request or its secrets.
// The object is a small value; copy it into asynchronous callbacks.
//
// EXAMPLE:
//   grpc::ServerUnaryReactor* Foo(grpc::CallbackServerContext* ctx, ...) {
//     UnaryCall call(ctx, "Foo");
//     core->Foo(call.Context(), *request, response,
//               [call](absl::Status s) { call.Finish(s); });
//     return call.reactor();
//   }
#ifndef INTEGRATOR_SERVER_RPC_UNARY_CALL_H_
#define INTEGRATOR_SERVER_RPC_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/core/call_context.h"

namespace integrator::rpc {

using core::kMaxMetadataValueBytes;

class UnaryCall {
 public:
  UnaryCall(grpc::CallbackServerContext* context, absl::string_view rpc_name);

  grpc::ServerUnaryReactor* reactor() const { return reactor_; }
  const std::string& request_id() const { return request_id_; }

  // The first value of a client metadata key (lower-case), if present.
  std::optional<absl::string_view> Metadata(absl::string_view key) const;

  // The call as the transport-free core sees it.
  core::CallContext Context() const {
    return core::CallContext::From(
        rpc_name_, request_id_,
        [this](absl::string_view key) { return Metadata(key); });
  }

  grpc::ServerUnaryReactor* Finish(const absl::Status& status) const;

 private:
  grpc::CallbackServerContext* context_;
  grpc::ServerUnaryReactor* reactor_;
  std::string rpc_name_;
  std::string request_id_;
  absl::Time start_;
};

}  // namespace integrator::rpc

#endif  // INTEGRATOR_SERVER_RPC_UNARY_CALL_H_
