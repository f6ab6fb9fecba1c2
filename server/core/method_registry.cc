#include "server/core/method_registry.h"

#include <algorithm>
#include <utility>

#include "google/protobuf/generated_message_reflection.h"

namespace integrator::core {
namespace {

using google::protobuf::Message;

// The request as its generated type: the message itself when it is one (the
// embedded gateway binds into generated types), else a copy.
template <typename Request>
std::unique_ptr<Request> AsGenerated(std::unique_ptr<Message> message) {
  if (google::protobuf::DynamicCastToGenerated<Request>(message.get()) !=
      nullptr) {
    return std::unique_ptr<Request>(static_cast<Request*>(message.release()));
  }
  auto copy = std::make_unique<Request>();
  if (!copy->ParseFromString(message->SerializeAsString())) return nullptr;
  return copy;
}

template <typename Request, typename Response>
using CoreMethod = void (IntegratorCore::*)(const CallContext&, const Request&,
                                            Response*,
                                            IntegratorCore::Done) const;

template <typename Request, typename Response>
std::function<void(CallContext, std::unique_ptr<Message>, MethodRegistry::Done)>
Bind(const IntegratorCore* core, CoreMethod<Request, Response> method) {
  return [core, method](CallContext context, std::unique_ptr<Message> message,
                        MethodRegistry::Done done) {
    std::unique_ptr<Request> request = AsGenerated<Request>(std::move(message));
    if (request == nullptr) {
      return done(
          absl::InternalError("the request is not of the method's type"),
          nullptr);
    }
    auto response = std::make_unique<Response>();
    Response* out = response.get();
    (core->*method)(context, *request, out,
                    [done = std::move(done), response = std::move(response)](
                        absl::Status status) mutable {
                      if (!status.ok()) return done(std::move(status), nullptr);
                      done(absl::OkStatus(), std::move(response));
                    });
  };
}

}  // namespace

template <typename Request, typename Response, typename Method>
void MethodRegistry::Add(absl::string_view service, absl::string_view method,
                         const IntegratorCore* core, Method handler) {
  // The method from the descriptors of the file that defines the request,
  // rather than a name spelled by hand.
  const google::protobuf::MethodDescriptor* descriptor =
      Request::descriptor()
          ->file()
          ->FindServiceByName(std::string(service))
          ->FindMethodByName(std::string(method));
  methods_.push_back(descriptor);
  handlers_[descriptor->full_name()] = Entry{
      Bind<Request, Response>(core, handler), &Request::default_instance()};
}

MethodRegistry::MethodRegistry(const IntegratorCore* core) {
  Add<v1::UpdateWebhookSecretRequest, v1::UpdateWebhookSecretResponse>(
      "IntegratorService", "UpdateWebhookSecret", core,
      &IntegratorCore::UpdateWebhookSecret);
  Add<v1::GetStoreStatsRequest, v1::StoreStats>(
      "OperatorService", "GetStoreStats", core, &IntegratorCore::GetStoreStats);
}

std::vector<const google::protobuf::ServiceDescriptor*>
MethodRegistry::services() const {
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const google::protobuf::MethodDescriptor* method : methods_) {
    if (std::find(services.begin(), services.end(), method->service()) ==
        services.end()) {
      services.push_back(method->service());
    }
  }
  return services;
}

std::unique_ptr<Message> MethodRegistry::NewRequest(
    absl::string_view full_method) const {
  auto it = handlers_.find(full_method);
  if (it == handlers_.end()) return nullptr;
  return std::unique_ptr<Message>(it->second.request_prototype->New());
}

void MethodRegistry::Invoke(absl::string_view full_method, CallContext context,
                            std::unique_ptr<Message> request, Done done) const {
  auto it = handlers_.find(full_method);
  if (it == handlers_.end()) {
    return done(absl::UnimplementedError("unknown method"), nullptr);
  }
  it->second.handler(std::move(context), std::move(request), std::move(done));
}

}  // namespace integrator::core
