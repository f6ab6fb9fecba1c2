#include "server/core/webhook_core.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "proto/rpc/status_details.h"
#include "server/auth/scopes.h"
#include "server/core/public_errors.h"
#include "server/webhook/webhook_url.h"

namespace integrator::core {
namespace {

using google::protobuf::util::TimeUtil;

void ToProto(const Webhook& webhook, v1::Webhook* out) {
  out->set_id(webhook.id);
  out->set_url(webhook.url);
  for (const std::string& type : webhook.events) out->add_events(type);
  out->set_failure_count(webhook.failure_count);
  out->set_disabled(webhook.disabled);
}

void ToProto(const WebhookDeliveryRecord& delivery, v1::WebhookDelivery* out) {
  out->set_id(delivery.id);
  out->set_event_id(delivery.event_id);
  out->set_event_type(delivery.event_type);
  out->set_status(std::string(DeliveryStatusName(delivery.status)));
  out->set_attempts(delivery.attempts);
  out->set_last_status_code(delivery.last_status_code);
  out->set_last_error(delivery.last_error);
  if (delivery.next_attempt_at_ms.has_value()) {
    *out->mutable_next_attempt_at() =
        TimeUtil::MillisecondsToTimestamp(*delivery.next_attempt_at_ms);
  }
  *out->mutable_created_at() =
      TimeUtil::MillisecondsToTimestamp(delivery.created_at_ms);
}

absl::Status WebhookDisabled() {
  return rpc::WithErrorInfo(
      absl::FailedPreconditionError("the webhook is disabled; enable it first"),
      "WEBHOOK_DISABLED", "webhooks");
}

absl::Status LimitReached(int max_webhooks) {
  return rpc::WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                                "an integrator has at most ", max_webhooks,
                                " webhooks; delete one first")),
                            "LIMIT_REACHED", "webhooks");
}

}  // namespace

WebhookCore::WebhookCore(Store* store, const CallPipeline* pipeline,
                         WebhookOptions options)
    : store_(store), pipeline_(pipeline), options_(options) {
  if (options_.resolver == nullptr) {
    system_resolver_ = std::make_unique<webhook::SystemResolver>();
  }
  resolver_ =
      options_.resolver != nullptr ? options_.resolver : system_resolver_.get();
}

void WebhookCore::ListWebhooks(const CallContext& context,
                               const v1::ListWebhooksRequest& request,
                               v1::ListWebhooksResponse* response,
                               Done done) const {
  pipeline_->ForIntegrator(
      context, auth::kScopeReadWebhooks, request.integrator_id(),
      [] { return absl::OkStatus(); }, std::move(done),
      [this, response, request_id = context.request_id()](
          std::string integrator, Done done) {
        webhooks().ListWebhooks(
            integrator,
            [response, integrator, request_id, done = std::move(done)](
                absl::StatusOr<std::vector<Webhook>> listed) mutable {
              if (!listed.ok()) {
                return done(PublicStoreError(listed.status(),
                                             {"integrator", integrator},
                                             integrator, request_id));
              }
              for (const Webhook& webhook : *listed) {
                ToProto(webhook, response->add_webhooks());
              }
              done(absl::OkStatus());
            });
      });
}

void WebhookCore::CreateWebhook(const CallContext& context,
                                const v1::CreateWebhookRequest& request,
                                v1::Webhook* response, Done done) const {
  // The body may run after this call returned (once a signature is
  // spent), so it owns what validation found.
  auto url = std::make_shared<webhook::WebhookUrl>();
  auto validate = [&]() -> absl::Status {
    if (absl::Status s = service::ValidateEvents(request.events()); !s.ok()) {
      return s;
    }
    absl::StatusOr<webhook::WebhookUrl> parsed =
        webhook::ParseWebhookUrl(request.url(), options_.allow_http);
    if (!parsed.ok()) {
      return service::FieldError("url", parsed.status().message());
    }
    *url = *std::move(parsed);
    return absl::OkStatus();
  };
  pipeline_->ForIntegrator(
      context, auth::kScopeWriteWebhooks, request.integrator_id(), validate,
      std::move(done),
      [this, response, url,
       events = std::vector<std::string>(request.events().begin(),
                                         request.events().end()),
       request_id = context.request_id()](std::string integrator,
                                          Done done) mutable {
        // Resolving the host may block for seconds: never on this thread
        // (an event loop or a completion-queue thread).
        auto create = [this, response, url, events = std::move(events),
                       request_id, integrator](Done done) mutable {
          absl::StatusOr<webhook::PinnedTarget> target =
              webhook::CheckWebhookTarget(*url, *resolver_,
                                          options_.allow_private_targets);
          if (!target.ok()) {
            return done(service::FieldError("url", target.status().message()));
          }
          Create(std::move(integrator), url->url, std::move(events), response,
                 request_id, std::move(done));
        };
        auto shared_done = std::make_shared<Done>(std::move(done));
        if (!resolver_pool_.Submit(
                [create = std::move(create), shared_done]() mutable {
                  create(std::move(*shared_done));
                })) {
          (*shared_done)(rpc::WithRetryInfo(
              absl::ResourceExhaustedError(
                  "too many webhooks are being created; retry"),
              absl::Seconds(1)));
        }
      });
}

void WebhookCore::Create(std::string integrator, std::string url,
                         std::vector<std::string> events, v1::Webhook* response,
                         std::string request_id, Done done) const {
  absl::StatusOr<std::string> id = service::NewResourceId("wh_");
  if (!id.ok()) return done(absl::InternalError("internal error"));
  Webhook webhook;
  webhook.id = *id;
  webhook.integrator_id = integrator;
  webhook.url = std::move(url);
  webhook.events = std::move(events);
  webhook.created_at_ms = absl::ToUnixMillis(absl::Now());
  webhooks().CreateWebhook(
      std::move(webhook), options_.max_webhooks,
      [response, integrator, request_id, max = options_.max_webhooks,
       done = std::move(done)](absl::StatusOr<Webhook> created) mutable {
        if (absl::IsFailedPrecondition(created.status())) {
          return done(LimitReached(max));
        }
        if (!created.ok()) {
          return done(PublicStoreError(created.status(),
                                       {"integrator", integrator}, integrator,
                                       request_id));
        }
        ToProto(*created, response);
        done(absl::OkStatus());
      });
}

void WebhookCore::DeleteWebhook(const CallContext& context,
                                const v1::DeleteWebhookRequest& request,
                                v1::DeleteWebhookResponse* /*response*/,
                                Done done) const {
  pipeline_->ForIntegrator(
      context, auth::kScopeWriteWebhooks, request.integrator_id(),
      [&] { return service::ValidateWebhookIdShape(request.webhook_id()); },
      std::move(done),
      [this, webhook_id = request.webhook_id(),
       request_id = context.request_id()](std::string integrator,
                                          Done done) mutable {
        webhooks().DeleteWebhook(
            integrator, webhook_id,
            [integrator, webhook_id, request_id,
             done = std::move(done)](absl::Status deleted) mutable {
              if (!deleted.ok()) {
                return done(PublicStoreError(deleted, {"webhook", webhook_id},
                                             integrator, request_id));
              }
              done(absl::OkStatus());
            });
      });
}

void WebhookCore::EnableWebhook(const CallContext& context,
                                const v1::EnableWebhookRequest& request,
                                v1::Webhook* response, Done done) const {
  pipeline_->ForIntegrator(
      context, auth::kScopeWriteWebhooks, request.integrator_id(),
      [&] { return service::ValidateWebhookIdShape(request.webhook_id()); },
      std::move(done),
      [this, response, webhook_id = request.webhook_id(),
       request_id = context.request_id()](std::string integrator,
                                          Done done) mutable {
        webhooks().EnableWebhook(
            integrator, webhook_id,
            [response, integrator, webhook_id, request_id, this,
             done = std::move(done)](absl::StatusOr<Webhook> enabled) mutable {
              if (!enabled.ok()) {
                return done(PublicStoreError(enabled.status(),
                                             {"webhook", webhook_id},
                                             integrator, request_id));
              }
              ToProto(*enabled, response);
              // Its pending deliveries are due again.
              if (on_published_) on_published_();
              done(absl::OkStatus());
            });
      });
}

void WebhookCore::ListWebhookDeliveries(
    const CallContext& context, const v1::ListWebhookDeliveriesRequest& request,
    v1::ListWebhookDeliveriesResponse* response, Done done) const {
  struct Page {
    int size = 0;
    std::optional<DeliveryCursor> after;
  };
  // Owned by the body, which may run after this call returned.
  auto page = std::make_shared<Page>();
  auto validate = [&]() -> absl::Status {
    if (absl::Status s = service::ValidateWebhookIdShape(request.webhook_id());
        !s.ok()) {
      return s;
    }
    absl::StatusOr<int> size = service::DeliveryPageSize(request.page_size());
    if (!size.ok()) return size.status();
    absl::StatusOr<std::optional<DeliveryCursor>> after =
        service::DecodePageToken(request.page_token());
    if (!after.ok()) return after.status();
    *page = Page{*size, std::move(*after)};
    return absl::OkStatus();
  };
  pipeline_->ForIntegrator(
      context, auth::kScopeReadWebhooks, request.integrator_id(), validate,
      std::move(done),
      [this, response, page, webhook_id = request.webhook_id(),
       request_id = context.request_id()](std::string integrator,
                                          Done done) mutable {
        const int size = page->size;
        webhooks().ListDeliveries(
            integrator, webhook_id, size + 1, std::move(page->after),
            [response, size, integrator, webhook_id, request_id,
             done = std::move(done)](
                absl::StatusOr<std::vector<WebhookDeliveryRecord>>
                    listed) mutable {
              if (!listed.ok()) {
                return done(PublicStoreError(listed.status(),
                                             {"webhook", webhook_id},
                                             integrator, request_id));
              }
              // One more than asked tells whether another page exists.
              const bool more = listed->size() > static_cast<size_t>(size);
              if (more) listed->resize(size);
              for (const WebhookDeliveryRecord& delivery : *listed) {
                ToProto(delivery, response->add_deliveries());
              }
              if (more) {
                response->set_next_page_token(service::EncodePageToken(
                    {listed->back().created_at_ms, listed->back().id}));
              }
              done(absl::OkStatus());
            });
      });
}

void WebhookCore::RetryWebhookDelivery(
    const CallContext& context, const v1::RetryWebhookDeliveryRequest& request,
    v1::WebhookDelivery* response, Done done) const {
  auto validate = [&]() -> absl::Status {
    if (absl::Status s = service::ValidateWebhookIdShape(request.webhook_id());
        !s.ok()) {
      return s;
    }
    return service::ValidateIdShape("delivery_id", request.delivery_id());
  };
  pipeline_->ForIntegrator(
      context, auth::kScopeWriteWebhooks, request.integrator_id(), validate,
      std::move(done),
      [this, response, webhook_id = request.webhook_id(),
       delivery_id = request.delivery_id(), request_id = context.request_id()](
          std::string integrator, Done done) mutable {
        webhooks().RetryDelivery(
            integrator, webhook_id, delivery_id,
            absl::ToUnixMillis(absl::Now()),
            [this, response, integrator, webhook_id, delivery_id, request_id,
             done = std::move(done)](
                absl::StatusOr<WebhookDeliveryRecord> retried) mutable {
              if (absl::IsFailedPrecondition(retried.status())) {
                return done(
                    absl::StrContains(retried.status().message(), "disabled")
                        ? WebhookDisabled()
                        : rpc::WithErrorInfo(
                              absl::FailedPreconditionError(
                                  "the delivery is still pending; it will be "
                                  "attempted at its next attempt time"),
                              "DELIVERY_PENDING", "webhooks"));
              }
              if (!retried.ok()) {
                const bool webhook_missing =
                    retried.status().message() == "webhook not found";
                return done(PublicStoreError(
                    retried.status(),
                    webhook_missing ? ResourceRef{"webhook", webhook_id}
                                    : ResourceRef{"delivery", delivery_id},
                    integrator, request_id));
              }
              ToProto(*retried, response);
              if (on_published_) on_published_();
              done(absl::OkStatus());
            });
      });
}

void WebhookCore::TestWebhook(const CallContext& context,
                              const v1::TestWebhookRequest& request,
                              v1::WebhookDelivery* response, Done done) const {
  pipeline_->ForIntegrator(
      context, auth::kScopeWriteWebhooks, request.integrator_id(),
      [&] { return service::ValidateWebhookIdShape(request.webhook_id()); },
      std::move(done),
      [this, response, webhook_id = request.webhook_id(),
       request_id = context.request_id()](std::string integrator,
                                          Done done) mutable {
        absl::StatusOr<std::string> id = service::NewResourceId("evt_");
        if (!id.ok()) return done(absl::InternalError("internal error"));
        const absl::Time now = absl::Now();
        WebhookEvent event;
        event.id = *id;
        event.integrator_id = integrator;
        event.type = std::string(service::kTestEventType);
        event.body = service::EventBody(event.id, event.type, now,
                                        service::TestEventData(webhook_id));
        event.created_at_ms = absl::ToUnixMillis(now);
        webhooks().PublishTestEvent(
            webhook_id, std::move(event),
            [this, response, integrator, webhook_id, request_id,
             done = std::move(done)](
                absl::StatusOr<WebhookDeliveryRecord> created) mutable {
              if (absl::IsFailedPrecondition(created.status())) {
                return done(WebhookDisabled());
              }
              if (!created.ok()) {
                return done(PublicStoreError(created.status(),
                                             {"webhook", webhook_id},
                                             integrator, request_id));
              }
              ToProto(*created, response);
              if (on_published_) on_published_();
              done(absl::OkStatus());
            });
      });
}

void WebhookCore::PublishEvent(const CallContext& context,
                               const v1::PublishEventRequest& request,
                               v1::PublishEventResponse* response,
                               Done done) const {
  auto validate = [&]() -> absl::Status {
    if (absl::Status s = service::ValidateEventType(request.event_type());
        !s.ok()) {
      return s;
    }
    if (absl::Status s = service::ValidateEventData(request.data()); !s.ok()) {
      return s;
    }
    return service::ValidateIdempotencyKey(request.idempotency_key());
  };
  std::optional<IdempotencyKey> idempotency;
  if (!request.idempotency_key().empty()) {
    idempotency = IdempotencyKey{
        request.idempotency_key(),
        service::PublishFingerprint(request.event_type(), request.data())};
  }
  pipeline_->ForIntegrator(
      context, auth::kScopePublishEvents, request.integrator_id(), validate,
      std::move(done),
      [this, response, type = request.event_type(), data = request.data(),
       idempotency = std::move(idempotency), request_id = context.request_id()](
          std::string integrator, Done done) mutable {
        absl::StatusOr<std::string> id = service::NewResourceId("evt_");
        if (!id.ok()) return done(absl::InternalError("internal error"));
        const absl::Time now = absl::Now();
        WebhookEvent event;
        event.id = *id;
        event.integrator_id = integrator;
        event.type = type;
        event.body = service::EventBody(event.id, event.type, now, data);
        event.created_at_ms = absl::ToUnixMillis(now);
        const bool keyed = idempotency.has_value();
        webhooks().PublishEvent(
            std::move(event), std::move(idempotency),
            [this, response, integrator, request_id, keyed,
             done = std::move(done)](
                absl::StatusOr<PublishedEvent> published) mutable {
              // Only a keyed publish can meet its key's first request.
              if (keyed && absl::IsFailedPrecondition(published.status())) {
                return done(service::KeyReusedError());
              }
              if (!published.ok()) {
                return done(PublicStoreError(published.status(),
                                             {"integrator", integrator},
                                             integrator, request_id));
              }
              response->set_event_id(published->event_id);
              response->set_deliveries(published->deliveries);
              response->set_replayed(published->replayed);
              if (published->deliveries > 0 && !published->replayed &&
                  on_published_) {
                on_published_();
              }
              done(absl::OkStatus());
            });
      },
      CallPipeline::Naming::kServiceNamesAny);
}

}  // namespace integrator::core
