// The seam between transcoding and the service, at the message level: the
// bound request message in, the response message (or a status) out. Two
// implementations: GrpcInvoker (grpc_invoker.h) serializes and calls an
// upstream over gRPC, for integrator-gateway --upstream; the composition
// root of integrator-server gives its embedded gateway a direct invoker that
// hands the message to the service's handler in the same process, with no
// serialization and no transport. The gateway knows no service either way:
// it sees descriptors, messages and this interface.
//
// Contract: `request` is a message of route.method->input_type(); `done` is
// called exactly once, possibly on another thread, with OK and a response
// message of route.method->output_type(), or with a status (rich details
// preserved, see proto/rpc/status_details.h) and null. `metadata` holds the
// forwardable request headers, lower-cased and already checked by the
// header policy, plus the gateway's own facts (request id, signed-request
// facts). Implementations are thread-safe.
//
// EXAMPLE:
//   invoker->Invoke(route, std::move(request), metadata,
//                   [](absl::Status s, std::unique_ptr<Message> response) {});
#ifndef GATEWAY_INVOKER_H_
#define GATEWAY_INVOKER_H_

#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "gateway/http_message.h"
#include "gateway/route_table.h"
#include "google/protobuf/message.h"

namespace gateway {

class Invoker {
 public:
  using Done = absl::AnyInvocable<void(
      absl::Status, std::unique_ptr<google::protobuf::Message>)>;
  virtual ~Invoker() = default;

  virtual void Invoke(const RouteMethod& route,
                      std::unique_ptr<google::protobuf::Message> request,
                      const HeaderList& metadata, Done done) const = 0;

  // Cancels the calls still in flight and waits until each has called its
  // `done`; for shutdown, after the HTTP drain. Nothing to do for an
  // invoker whose calls cannot be cancelled from outside.
  virtual void CancelAllAndWait() {}
};

}  // namespace gateway

#endif  // GATEWAY_INVOKER_H_
