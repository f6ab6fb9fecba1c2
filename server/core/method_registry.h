// The core's RPCs by full method name, for a caller that holds a request
// message but no gRPC call: the embedded gateway's direct invoker
// (grpc-gateway's RegisterXxxHandlerServer, done generically). Nothing is
// serialized and no transport is crossed.
//
// Contract: Invoke() runs the method named by its descriptor's full name
// ("integrator.v1.IntegratorService.UpdateWebhookSecret") with the request
// message; a message of the method's generated type is used as it is, one
// of another pool is copied through its wire form. `done` is called exactly
// once, possibly on a store thread, with OK and the response message, or
// with the status and null. It writes no log line: each face writes one per
// request (rpc/unary_dispatcher.h for gRPC, the REST transcoder for the
// embedded gateway), so a REST request is not logged twice. An unknown
// method is UNIMPLEMENTED. Thread-safe; the cores must outlive the registry.
//
// EXAMPLE:
//   MethodRegistry methods(&core, &webhook_core);
//   methods.Invoke(method->full_name(), std::move(context), std::move(request),
//                  [](absl::Status s, std::unique_ptr<Message> response) {});
#ifndef INTEGRATOR_SERVER_CORE_METHOD_REGISTRY_H_
#define INTEGRATOR_SERVER_CORE_METHOD_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "server/core/call_context.h"
#include "server/core/integrator_core.h"
#include "server/core/webhook_core.h"

namespace integrator::core {

class MethodRegistry {
 public:
  using Done = absl::AnyInvocable<void(
      absl::Status, std::unique_ptr<google::protobuf::Message>)>;

  // Every method's request is at most `max_request_bytes` in its wire form,
  // except PublishEvent's, whose data alone may be 256 KiB.
  MethodRegistry(const IntegratorCore* core, const WebhookCore* webhooks,
                 size_t max_request_bytes = 64 * 1024);

  // The largest request any method accepts: the transport's receive limit.
  size_t largest_request_bytes() const { return largest_request_bytes_; }

  void Invoke(absl::string_view full_method, CallContext context,
              std::unique_ptr<google::protobuf::Message> request,
              Done done) const;

  // Every registered method, in registration order: for a transport that
  // serves them (rpc/unary_dispatcher.h) and for route compilation.
  const std::vector<const google::protobuf::MethodDescriptor*>& methods()
      const {
    return methods_;
  }
  // The services those methods belong to, each once, in the same order.
  std::vector<const google::protobuf::ServiceDescriptor*> services() const;
  // A new, empty request of the method's generated type; null when unknown.
  std::unique_ptr<google::protobuf::Message> NewRequest(
      absl::string_view full_method) const;

 private:
  using Handler = std::function<void(
      CallContext, std::unique_ptr<google::protobuf::Message>, Done)>;
  struct Entry {
    Handler handler;
    const google::protobuf::Message* request_prototype;
    size_t max_request_bytes;
  };
  template <typename Request, typename Response, typename Core>
  void Add(absl::string_view service, absl::string_view method,
           const Core* core,
           void (Core::*handler)(const CallContext&, const Request&, Response*,
                                 typename Core::Done) const,
           size_t max_request_bytes);

  absl::flat_hash_map<std::string, Entry> handlers_;
  std::vector<const google::protobuf::MethodDescriptor*> methods_;
  size_t largest_request_bytes_ = 0;
};

}  // namespace integrator::core

#endif  // INTEGRATOR_SERVER_CORE_METHOD_REGISTRY_H_
