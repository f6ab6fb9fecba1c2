// The webhook RPCs with no transport: IntegratorService's webhook methods
// (list, create, delete, enable, deliveries) and
// WebhookEventService.PublishEvent, as plain functions of a CallContext and
// a request message, like integrator_core.h.
//
// Contract:
// - Scopes: read:webhooks (list, deliveries), write:webhooks (create,
//   delete, enable, retry a delivery, send a test event), publish:events
//   (publish). Retry makes a failed or succeeded delivery due now (a
//   pending one is FAILED_PRECONDITION); a test sends a `webhook.test`
//   event to that webhook alone (a disabled one is FAILED_PRECONDITION).
//   Integrators act on their own webhooks; callers with admin:integrators name
//   one with integrator_id; publishers name the integrator of their event.
// - Create validates events (webhook_policy.h) and the URL (an absolute
//   https URL, http only with allow_http; webhook/webhook_url.h), then
//   resolves its host and refuses any address that is not public unicast
//   unless allow_private_targets (webhook/target_guard.h): each a 400 on
//   `url` or `events`. The stored URL is libcurl's normalised form. The
//   (max_webhooks + 1)th is FAILED_PRECONDITION, type webhooks:limit-reached.
// - Another integrator's webhook id is NOT_FOUND exactly like an unknown
//   one, with ResourceInfo {webhook, id}.
// - PublishEvent validates the type and the data (a JSON object of at most
//   256 KiB), serializes the body once, and answers after the store made
//   the event and its deliveries durable; then `on_published` runs.
// - `done` is called exactly once, possibly on a store thread; `response`
//   is filled before an OK. Thread-safe; everything passed in must outlive
//   the core. Hosts are resolved on a pool of four threads of the core's
//   own (at most 256 waiting, then RESOURCE_EXHAUSTED), never on the
//   caller's thread.
//
// EXAMPLE:
//   WebhookCore webhooks(&store, &pipeline, {});
//   webhooks.CreateWebhook(context, request, &response, std::move(done));
#ifndef INTEGRATOR_SERVER_CORE_WEBHOOK_CORE_H_
#define INTEGRATOR_SERVER_CORE_WEBHOOK_CORE_H_

#include <functional>
#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "integrator/v1/integrator.pb.h"
#include "integrator/v1/webhook_events.pb.h"
#include "server/core/call_context.h"
#include "server/core/call_pipeline.h"
#include "server/process/blocking_pool.h"
#include "server/service/webhook_policy.h"
#include "server/store/store.h"
#include "server/webhook/target_guard.h"

namespace integrator::core {

struct WebhookOptions {
  // For local tests only (DESIGN.md, "SSRF guard"): both off in production.
  bool allow_http = false;
  bool allow_private_targets = false;
  int max_webhooks = service::kMaxWebhooksPerIntegrator;
  // Resolves webhook hosts; null means the system's resolver.
  const webhook::HostResolver* resolver = nullptr;
};

class WebhookCore {
 public:
  using Done = absl::AnyInvocable<void(absl::Status)>;

  WebhookCore(Store* store, const CallPipeline* pipeline,
              WebhookOptions options);

  // Called after each durable publish that created deliveries, so the
  // delivery workers can start at once instead of at their next poll.
  void set_on_published(std::function<void()> on_published) {
    on_published_ = std::move(on_published);
  }

  void ListWebhooks(const CallContext& context,
                    const v1::ListWebhooksRequest& request,
                    v1::ListWebhooksResponse* response, Done done) const;
  void CreateWebhook(const CallContext& context,
                     const v1::CreateWebhookRequest& request,
                     v1::Webhook* response, Done done) const;
  void DeleteWebhook(const CallContext& context,
                     const v1::DeleteWebhookRequest& request,
                     v1::DeleteWebhookResponse* response, Done done) const;
  void EnableWebhook(const CallContext& context,
                     const v1::EnableWebhookRequest& request,
                     v1::Webhook* response, Done done) const;
  void ListWebhookDeliveries(const CallContext& context,
                             const v1::ListWebhookDeliveriesRequest& request,
                             v1::ListWebhookDeliveriesResponse* response,
                             Done done) const;
  void RetryWebhookDelivery(const CallContext& context,
                            const v1::RetryWebhookDeliveryRequest& request,
                            v1::WebhookDelivery* response, Done done) const;
  void TestWebhook(const CallContext& context,
                   const v1::TestWebhookRequest& request,
                   v1::WebhookDelivery* response, Done done) const;
  void PublishEvent(const CallContext& context,
                    const v1::PublishEventRequest& request,
                    v1::PublishEventResponse* response, Done done) const;

 private:
  WebhookStore& webhooks() const { return store_->webhooks(); }
  // Stores a webhook whose URL passed the guard.
  void Create(std::string integrator, std::string url,
              std::vector<std::string> events, v1::Webhook* response,
              std::string request_id, Done done) const;

  Store* store_;
  const CallPipeline* pipeline_;
  const WebhookOptions options_;
  std::unique_ptr<webhook::HostResolver> system_resolver_;
  const webhook::HostResolver* resolver_;
  std::function<void()> on_published_;
  // Where webhook hosts are resolved: off the callers' threads.
  mutable process::BlockingPool resolver_pool_{4, 256};
};

}  // namespace integrator::core

#endif  // INTEGRATOR_SERVER_CORE_WEBHOOK_CORE_H_
