#include "server/rpc/unary_dispatcher.h"

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/rpc_service_method.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/support/async_unary_call.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "proto/rpc/request_id.h"
#include "proto/rpc/status_details.h"
#include "server/core/call_context.h"
#include "server/rpc/call_log.h"

namespace integrator::rpc {
namespace {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

// Calls each queue asks for ahead, per method, so that a burst of new
// streams is matched at once rather than waiting for a worker to ask again.
constexpr int kCallsAheadPerMethod = 8;

}  // namespace

// One proto service as a grpc::Service whose methods are all asynchronous
// and take and return messages of their generated types, through the
// polymorphic google::protobuf::Message that gRPC's serialization accepts.
class UnaryDispatcher::RegistryService final : public grpc::Service {
 public:
  explicit RegistryService(std::vector<const MethodDescriptor*> methods)
      : methods_(std::move(methods)) {
    // gRPC keeps the path pointers: the strings are final before any is
    // taken.
    for (const MethodDescriptor* method : methods_) {
      paths_.push_back(absl::StrCat("/", method->service()->full_name(), "/",
                                    method->name()));
    }
    for (size_t i = 0; i < paths_.size(); ++i) {
      // grpc::Service owns what AddMethod is given.
      AddMethod(
          std::make_unique<grpc::internal::RpcServiceMethod>(
              paths_[i].c_str(), grpc::internal::RpcMethod::NORMAL_RPC, nullptr)
              .release());
      MarkMethodAsync(static_cast<int>(i));
    }
  }

  const MethodDescriptor* method(int index) const { return methods_[index]; }
  int method_count() const { return static_cast<int>(methods_.size()); }

  void AwaitCall(int index, grpc::ServerContext* context, Message* request,
                 grpc::ServerAsyncResponseWriter<Message>* responder,
                 grpc::ServerCompletionQueue* queue, void* tag) {
    RequestAsyncUnary(index, context, request, responder, queue, queue, tag);
  }

 private:
  std::vector<const MethodDescriptor*> methods_;
  std::vector<std::string> paths_;
};

// One call, from the request for it until its answer has been sent. It is
// the tag of both of its queue events.
class UnaryDispatcher::Call {
 public:
  Call(size_t service, int method, std::unique_ptr<Message> request)
      : service(service), method(method), request(std::move(request)) {}

  // The first value of a client metadata key, if present and not too long.
  std::optional<absl::string_view> Metadata(absl::string_view key) const {
    const auto& metadata = context.client_metadata();
    auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
    if (it == metadata.end() ||
        it->second.size() > core::kMaxMetadataValueBytes) {
      return std::nullopt;
    }
    return absl::string_view(it->second.data(), it->second.size());
  }

  const size_t service;
  const int method;
  std::unique_ptr<Message> request;
  grpc::ServerContext context;
  grpc::ServerAsyncResponseWriter<Message> responder{&context};
  // False while waiting for the call to arrive; true once it is answered.
  bool answered = false;
};

UnaryDispatcher::UnaryDispatcher(const core::MethodRegistry* methods,
                                 int workers)
    : methods_(methods), workers_(std::max(1, workers)) {}

UnaryDispatcher::~UnaryDispatcher() { Stop(); }

absl::Status UnaryDispatcher::Register(grpc::ServerBuilder& builder) {
  for (const google::protobuf::ServiceDescriptor* service :
       methods_->services()) {
    std::vector<const MethodDescriptor*> methods;
    for (const MethodDescriptor* method : methods_->methods()) {
      if (method->service() != service) continue;
      if (method->client_streaming() || method->server_streaming()) {
        return absl::InvalidArgumentError(
            absl::StrCat(method->full_name(),
                         " streams; only unary methods "
                         "are served"));
      }
      methods.push_back(method);
    }
    services_.push_back(std::make_unique<RegistryService>(std::move(methods)));
    builder.RegisterService(services_.back().get());
  }
  for (int i = 0; i < workers_; ++i) {
    queues_.push_back(builder.AddCompletionQueue());
  }
  return absl::OkStatus();
}

std::vector<std::string> UnaryDispatcher::ServiceNames() const {
  std::vector<std::string> names;
  for (const auto& service : services_) {
    names.push_back(service->method(0)->service()->full_name());
  }
  return names;
}

void UnaryDispatcher::Start() {
  for (size_t worker = 0; worker < queues_.size(); ++worker) {
    for (size_t service = 0; service < services_.size(); ++service) {
      for (int method = 0; method < services_[service]->method_count();
           ++method) {
        for (int i = 0; i < kCallsAheadPerMethod; ++i) {
          AwaitCall(service, method, worker);
        }
      }
    }
    threads_.emplace_back([this, worker] { Serve(worker); });
  }
}

void UnaryDispatcher::AwaitCall(size_t service, int method, size_t worker) {
  RegistryService& registry_service = *services_[service];
  auto call = std::make_unique<Call>(
      service, method,
      methods_->NewRequest(registry_service.method(method)->full_name()));
  registry_service.AwaitCall(method, &call->context, call->request.get(),
                             &call->responder, queues_[worker].get(),
                             call.get());
  call.release();  // the queue's tag now; Serve() takes it back
}

void UnaryDispatcher::Serve(size_t worker) {
  void* tag = nullptr;
  bool ok = false;
  while (queues_[worker]->Next(&tag, &ok)) {
    std::unique_ptr<Call> call(static_cast<Call*>(tag));
    // An answer went out (or the caller left), or the server is shutting
    // down and the call never came: either way the call is over.
    if (call->answered || !ok) continue;
    {
      absl::MutexLock lock(&mu_);
      // Stopping: the queue may already be shut, so nothing more may be
      // started on it; the caller gets a cancellation.
      if (stopping_) continue;
      ++calls_in_core_;
    }
    AwaitCall(call->service, call->method, worker);

    const MethodDescriptor* method =
        services_[call->service]->method(call->method);
    CallStarted(method->name());
    std::string request_id = RequestIdFrom(call->Metadata(kRequestIdKey));
    call->context.AddInitialMetadata(std::string(kRequestIdKey), request_id);
    core::CallContext context = core::CallContext::From(
        method->name(), std::move(request_id),
        [&call](absl::string_view key) { return call->Metadata(key); });
    std::unique_ptr<Message> request = std::move(call->request);
    Call* answering = call.release();
    answering->answered = true;
    // Read before the context moves into the call: the call's one log line.
    const absl::Time start = context.start();
    std::string log_id = context.request_id();
    methods_->Invoke(
        method->full_name(), std::move(context), std::move(request),
        [this, answering, method, start, log_id = std::move(log_id)](
            absl::Status status, std::unique_ptr<Message> response) {
          LogCall(log_id, method->name(), status, start);
          if (status.ok() && response != nullptr) {
            answering->responder.Finish(*response, grpc::Status::OK, answering);
          } else {
            answering->responder.FinishWithError(
                ToGrpcStatus(status.ok() ? absl::InternalError("no response")
                                         : status),
                answering);
          }
          absl::MutexLock lock(&mu_);
          --calls_in_core_;
        });
  }
}

void UnaryDispatcher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
    // Every call the core has is answered before its queue shuts.
    mu_.Await(absl::Condition(
        +[](int* calls) { return *calls == 0; }, &calls_in_core_));
  }
  for (auto& queue : queues_) queue->Shutdown();
  // The workers drain their queues; without them (never started), drain
  // here.
  const bool started = !threads_.empty();
  for (std::thread& thread : threads_) thread.join();
  if (!started) {
    for (auto& queue : queues_) {
      void* tag = nullptr;
      bool ok = false;
      while (queue->Next(&tag, &ok)) {
        std::unique_ptr<Call> call(static_cast<Call*>(tag));
      }
    }
  }
}

}  // namespace integrator::rpc
