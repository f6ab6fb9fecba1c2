// The per-call state of a callback-API unary RPC: request id, metadata
// access, and the single exit that finishes the call and writes its log line.
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
//     if (bad) return call.Finish(absl::InvalidArgumentError("..."));
//     store->Write(..., [call](absl::Status s) { call.Finish(s); });
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
#include "server/auth/call_credentials.h"

namespace integrator::rpc {

// Client metadata values longer than this are treated as absent garbage.
inline constexpr size_t kMaxMetadataValueBytes = 8192;

class UnaryCall {
 public:
  UnaryCall(grpc::CallbackServerContext* context, absl::string_view rpc_name);

  grpc::ServerUnaryReactor* reactor() const { return reactor_; }
  const std::string& request_id() const { return request_id_; }

  // The first value of a client metadata key (lower-case), if present.
  std::optional<absl::string_view> Metadata(absl::string_view key) const;

  // The credentials the call presents, for the Authenticator.
  auth::CallCredentials Credentials() const {
    return auth::CallCredentials::From(
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
