#include "server/core/method_registry.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/generated_message_reflection.h"
#include "server/service/webhook_policy.h"

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

template <typename Core, typename Request, typename Response>
using CoreMethod = void (Core::*)(const CallContext&, const Request&, Response*,
                                  typename Core::Done) const;

template <typename Core, typename Request, typename Response>
std::function<void(CallContext, std::unique_ptr<Message>, MethodRegistry::Done)>
Bind(const Core* core, CoreMethod<Core, Request, Response> method) {
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

template <typename Request, typename Response, typename Core>
void MethodRegistry::Add(absl::string_view service, absl::string_view method,
                         const Core* core,
                         CoreMethod<Core, Request, Response> handler,
                         size_t max_request_bytes) {
  // The method from the descriptors of the file that defines the request,
  // rather than a name spelled by hand.
  const google::protobuf::MethodDescriptor* descriptor =
      Request::descriptor()
          ->file()
          ->FindServiceByName(std::string(service))
          ->FindMethodByName(std::string(method));
  methods_.push_back(descriptor);
  handlers_[descriptor->full_name()] =
      Entry{Bind<Core, Request, Response>(core, handler),
            &Request::default_instance(), max_request_bytes};
  largest_request_bytes_ = std::max(largest_request_bytes_, max_request_bytes);
}

MethodRegistry::MethodRegistry(const IntegratorCore* core,
                               const WebhookCore* webhooks,
                               size_t max_request_bytes) {
  // Room for the ids and the type beside the data.
  const size_t publish_bytes =
      std::max(max_request_bytes, service::kMaxEventDataBytes + 4096);
  Add<v1::UpdateWebhookSecretRequest, v1::UpdateWebhookSecretResponse>(
      "IntegratorService", "UpdateWebhookSecret", core,
      &IntegratorCore::UpdateWebhookSecret, max_request_bytes);
  Add<v1::ListWebhooksRequest, v1::ListWebhooksResponse>(
      "IntegratorService", "ListWebhooks", webhooks, &WebhookCore::ListWebhooks,
      max_request_bytes);
  Add<v1::CreateWebhookRequest, v1::Webhook>(
      "IntegratorService", "CreateWebhook", webhooks,
      &WebhookCore::CreateWebhook, max_request_bytes);
  Add<v1::DeleteWebhookRequest, v1::DeleteWebhookResponse>(
      "IntegratorService", "DeleteWebhook", webhooks,
      &WebhookCore::DeleteWebhook, max_request_bytes);
  Add<v1::EnableWebhookRequest, v1::Webhook>(
      "IntegratorService", "EnableWebhook", webhooks,
      &WebhookCore::EnableWebhook, max_request_bytes);
  Add<v1::ListWebhookDeliveriesRequest, v1::ListWebhookDeliveriesResponse>(
      "IntegratorService", "ListWebhookDeliveries", webhooks,
      &WebhookCore::ListWebhookDeliveries, max_request_bytes);
  Add<v1::RetryWebhookDeliveryRequest, v1::WebhookDelivery>(
      "IntegratorService", "RetryWebhookDelivery", webhooks,
      &WebhookCore::RetryWebhookDelivery, max_request_bytes);
  Add<v1::TestWebhookRequest, v1::WebhookDelivery>(
      "IntegratorService", "TestWebhook", webhooks, &WebhookCore::TestWebhook,
      max_request_bytes);
  Add<v1::PublishEventRequest, v1::PublishEventResponse>(
      "WebhookEventService", "PublishEvent", webhooks,
      &WebhookCore::PublishEvent, publish_bytes);
  Add<v1::GetStoreStatsRequest, v1::StoreStats>(
      "OperatorService", "GetStoreStats", core, &IntegratorCore::GetStoreStats,
      max_request_bytes);
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
  // The transport admits the largest method's requests; each method keeps
  // its own bound.
  if (request->ByteSizeLong() > it->second.max_request_bytes) {
    return done(absl::ResourceExhaustedError(
                    absl::StrCat("the request is larger than ",
                                 it->second.max_request_bytes, " bytes")),
                nullptr);
  }
  it->second.handler(std::move(context), std::move(request), std::move(done));
}

}  // namespace integrator::core
