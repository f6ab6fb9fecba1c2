// The WebhookStore contract (webhook_store.h), run against every backend.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/store/store_test_backends.h"

namespace integrator {
namespace {

// Waits for one of the store's callbacks.
template <typename T>
class Answer {
 public:
  ResultFn<T> Callback() {
    return [this](absl::StatusOr<T> result) {
      result_ = std::move(result);
      done_.Notify();
    };
  }
  absl::StatusOr<T> Get() {
    done_.WaitForNotification();
    return std::move(result_);
  }

 private:
  absl::Notification done_;
  absl::StatusOr<T> result_ = absl::UnknownError("no answer");
};

class WebhookStoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("webhook_contract_" + GetParam().name + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().open(dir_.string());
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->CreateIntegrator({"itg_a", "Acme", 1}).ok());
    ASSERT_TRUE(store_->CreateIntegrator({"itg_b", "Bolt", 2}).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  WebhookStore& webhooks() { return store_->webhooks(); }

  absl::StatusOr<Webhook> Create(const std::string& integrator,
                                 const std::string& id,
                                 std::vector<std::string> events, int max = 20,
                                 int64_t created_at_ms = 10) {
    Answer<Webhook> answer;
    webhooks().CreateWebhook(
        Webhook{id, integrator, absl::StrCat("https://example.com/", id),
                std::move(events), 0, false, created_at_ms},
        max, answer.Callback());
    return answer.Get();
  }
  absl::StatusOr<std::vector<Webhook>> List(const std::string& integrator) {
    Answer<std::vector<Webhook>> answer;
    webhooks().ListWebhooks(integrator, answer.Callback());
    return answer.Get();
  }
  absl::Status Delete(const std::string& integrator, const std::string& id) {
    Answer<bool> answer;
    webhooks().DeleteWebhook(integrator, id, [&](absl::Status s) {
      answer.Callback()(s.ok() ? absl::StatusOr<bool>(true)
                               : absl::StatusOr<bool>(s));
    });
    return answer.Get().status();
  }
  absl::StatusOr<Webhook> Enable(const std::string& integrator,
                                 const std::string& id) {
    Answer<Webhook> answer;
    webhooks().EnableWebhook(integrator, id, answer.Callback());
    return answer.Get();
  }
  absl::StatusOr<PublishedEvent> PublishKeyed(
      const std::string& integrator, const std::string& event_id,
      const std::string& type, int64_t at_ms,
      std::optional<IdempotencyKey> key) {
    Answer<PublishedEvent> answer;
    webhooks().PublishEvent(
        WebhookEvent{event_id, integrator, type,
                     absl::StrCat("{\"id\":\"", event_id, "\",\"data\":{}}"),
                     at_ms},
        std::move(key), answer.Callback());
    return answer.Get();
  }
  // How many deliveries a publish without a key created.
  absl::StatusOr<int> Publish(const std::string& integrator,
                              const std::string& event_id,
                              const std::string& type, int64_t at_ms = 100) {
    absl::StatusOr<PublishedEvent> published =
        PublishKeyed(integrator, event_id, type, at_ms, std::nullopt);
    if (!published.ok()) return published.status();
    EXPECT_EQ(published->event_id, event_id);
    EXPECT_FALSE(published->replayed);
    return published->deliveries;
  }
  absl::StatusOr<std::vector<WebhookDeliveryRecord>> Deliveries(
      const std::string& integrator, const std::string& webhook, int page_size,
      std::optional<DeliveryCursor> after = std::nullopt) {
    Answer<std::vector<WebhookDeliveryRecord>> answer;
    webhooks().ListDeliveries(integrator, webhook, page_size, after,
                              answer.Callback());
    return answer.Get();
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(WebhookStoreContractTest, WebhooksAreCreatedListedAndDeleted) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}, 20, 10).ok());
  ASSERT_TRUE(
      Create("itg_a", "wh_2", {"account.created", "payment.created"}, 20, 5)
          .ok());
  ASSERT_TRUE(Create("itg_b", "wh_3", {"payment.created"}).ok());
  absl::StatusOr<std::vector<Webhook>> listed = List("itg_a");
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, "wh_2");  // oldest first
  EXPECT_EQ((*listed)[0].events,
            (std::vector<std::string>{"account.created", "payment.created"}));
  EXPECT_EQ((*listed)[0].url, "https://example.com/wh_2");
  EXPECT_EQ((*listed)[0].failure_count, 0);
  EXPECT_FALSE((*listed)[0].disabled);
  // Another integrator's webhook is not found, and stays.
  EXPECT_TRUE(absl::IsNotFound(Delete("itg_a", "wh_3")));
  EXPECT_TRUE(absl::IsNotFound(Delete("itg_a", "wh_9")));
  EXPECT_TRUE(Delete("itg_a", "wh_1").ok());
  EXPECT_EQ(List("itg_a")->size(), 1u);
  EXPECT_EQ(List("itg_b")->size(), 1u);
}

TEST_P(WebhookStoreContractTest, CreationIsBoundedAndNeedsTheIntegrator) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}, 2).ok());
  ASSERT_TRUE(Create("itg_a", "wh_2", {"payment.created"}, 2).ok());
  EXPECT_EQ(Create("itg_a", "wh_3", {"payment.created"}, 2).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Create("itg_b", "wh_4", {"payment.created"}, 2).ok());
  EXPECT_TRUE(
      absl::IsNotFound(Create("itg_zz", "wh_5", {"payment.created"}).status()));
  EXPECT_TRUE(absl::IsNotFound(List("itg_zz").status()));
}

TEST_P(WebhookStoreContractTest, PublishingCreatesOneDeliveryPerSubscriber) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}).ok());
  ASSERT_TRUE(Create("itg_a", "wh_2", {"account.created"}).ok());
  ASSERT_TRUE(Create("itg_b", "wh_3", {"payment.created"}).ok());
  absl::StatusOr<int> created = Publish("itg_a", "evt_1", "payment.created");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(*created, 1);
  EXPECT_EQ(*Publish("itg_a", "evt_2", "payment.refunded"), 0);
  EXPECT_TRUE(
      absl::IsNotFound(Publish("itg_zz", "evt_3", "payment.created").status()));
  absl::StatusOr<std::vector<WebhookDeliveryRecord>> log =
      Deliveries("itg_a", "wh_1", 10);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->size(), 1u);
  const WebhookDeliveryRecord& delivery = (*log)[0];
  EXPECT_EQ(delivery.id, DeliveryId("evt_1", "wh_1"));
  EXPECT_EQ(delivery.event_id, "evt_1");
  EXPECT_EQ(delivery.event_type, "payment.created");
  EXPECT_EQ(delivery.status, DeliveryStatus::kPending);
  EXPECT_EQ(delivery.attempts, 0);
  EXPECT_EQ(delivery.next_attempt_at_ms, 100);
  EXPECT_TRUE(Deliveries("itg_a", "wh_2", 10)->empty());
  // Another integrator's webhook has no visible log.
  EXPECT_TRUE(absl::IsNotFound(Deliveries("itg_a", "wh_3", 10).status()));
}

TEST_P(WebhookStoreContractTest, DeliveriesPageNewestFirst) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        Publish("itg_a", absl::StrCat("evt_", i), "payment.created", 100 + i)
            .ok());
  }
  std::vector<std::string> seen;
  std::optional<DeliveryCursor> after;
  for (int page = 0; page < 3; ++page) {
    absl::StatusOr<std::vector<WebhookDeliveryRecord>> got =
        Deliveries("itg_a", "wh_1", 2, after);
    ASSERT_TRUE(got.ok()) << got.status();
    for (const auto& d : *got) seen.push_back(d.event_id);
    if (got->empty()) break;
    after = DeliveryCursor{got->back().created_at_ms, got->back().id};
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"evt_4", "evt_3", "evt_2", "evt_1",
                                            "evt_0"}));
}

TEST_P(WebhookStoreContractTest, ClaimsLeaseDueDeliveriesOnce) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}).ok());
  ASSERT_TRUE(Publish("itg_a", "evt_1", "payment.created", 100).ok());
  ASSERT_TRUE(Publish("itg_a", "evt_2", "payment.created", 200).ok());
  // Not due yet.
  EXPECT_TRUE(webhooks().ClaimDueDeliveries(50, 10, 1000)->empty());
  absl::StatusOr<std::vector<ClaimedDelivery>> claimed =
      webhooks().ClaimDueDeliveries(150, 10, 1000);
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  ASSERT_EQ(claimed->size(), 1u);
  const ClaimedDelivery& first = (*claimed)[0];
  EXPECT_EQ(first.delivery_id, DeliveryId("evt_1", "wh_1"));
  EXPECT_EQ(first.webhook_id, "wh_1");
  EXPECT_EQ(first.integrator_id, "itg_a");
  EXPECT_EQ(first.url, "https://example.com/wh_1");
  EXPECT_EQ(first.event_type, "payment.created");
  EXPECT_EQ(first.body, "{\"id\":\"evt_1\",\"data\":{}}");
  // Leased: the next claim gets only the other one.
  claimed = webhooks().ClaimDueDeliveries(300, 10, 1000);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].delivery_id, DeliveryId("evt_2", "wh_1"));
  // After the lease, or once released, it is due again.
  EXPECT_EQ(webhooks().ClaimDueDeliveries(1000, 10, 2000)->size(), 2u);
  ASSERT_TRUE(webhooks().ReleaseLeases().ok());
  EXPECT_EQ(webhooks().ClaimDueDeliveries(1000, 1, 3000)->size(), 1u);
}

TEST_P(WebhookStoreContractTest, AttemptsCountFailuresDisableAndEnable) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}).ok());
  ASSERT_TRUE(Publish("itg_a", "evt_1", "payment.created", 100).ok());
  const std::string id = DeliveryId("evt_1", "wh_1");
  ASSERT_EQ(webhooks().ClaimDueDeliveries(100, 10, 1000)->size(), 1u);
  ASSERT_TRUE(webhooks()
                  .RecordAttempt(
                      AttemptOutcome{id, 1000, false, 500, "HTTP 500", 500, 3})
                  .ok());
  absl::StatusOr<std::vector<WebhookDeliveryRecord>> log =
      Deliveries("itg_a", "wh_1", 10);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)[0].attempts, 1);
  EXPECT_EQ((*log)[0].last_status_code, 500);
  EXPECT_EQ((*log)[0].last_error, "HTTP 500");
  EXPECT_EQ((*log)[0].next_attempt_at_ms, 500);
  EXPECT_EQ(List("itg_a")->at(0).failure_count, 1);
  // A success resets the count.
  ASSERT_EQ(webhooks().ClaimDueDeliveries(500, 10, 1000)->size(), 1u);
  ASSERT_TRUE(webhooks()
                  .RecordAttempt(AttemptOutcome{id, 1000, true, 200, "", {}, 3})
                  .ok());
  log = Deliveries("itg_a", "wh_1", 10);
  EXPECT_EQ((*log)[0].status, DeliveryStatus::kSucceeded);
  EXPECT_EQ((*log)[0].last_error, "");
  EXPECT_FALSE((*log)[0].next_attempt_at_ms.has_value());
  EXPECT_EQ(List("itg_a")->at(0).failure_count, 0);
  // Three failures in a row disable the webhook; nothing is claimed then,
  // and a publish creates nothing for it.
  ASSERT_TRUE(Publish("itg_a", "evt_2", "payment.created", 600).ok());
  const std::string second = DeliveryId("evt_2", "wh_1");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(webhooks().ClaimDueDeliveries(10000, 10, 20000)->size(), 1u);
    ASSERT_TRUE(webhooks()
                    .RecordAttempt(AttemptOutcome{second, 20000, false, 0,
                                                  "timed out", 700, 3})
                    .ok());
  }
  Webhook disabled = List("itg_a")->at(0);
  EXPECT_TRUE(disabled.disabled);
  EXPECT_EQ(disabled.failure_count, 3);
  EXPECT_TRUE(webhooks().ClaimDueDeliveries(10000, 10, 20000)->empty());
  EXPECT_EQ(*Publish("itg_a", "evt_3", "payment.created"), 0);
  // Enabling resumes the pending delivery; a final failure ends it.
  absl::StatusOr<Webhook> enabled = Enable("itg_a", "wh_1");
  ASSERT_TRUE(enabled.ok()) << enabled.status();
  EXPECT_FALSE(enabled->disabled);
  EXPECT_EQ(enabled->failure_count, 0);
  EXPECT_TRUE(absl::IsNotFound(Enable("itg_b", "wh_1").status()));
  absl::StatusOr<std::vector<ClaimedDelivery>> resumed =
      webhooks().ClaimDueDeliveries(10000, 10, 20000);
  ASSERT_TRUE(resumed.ok());
  ASSERT_EQ(resumed->size(), 1u);
  EXPECT_EQ((*resumed)[0].delivery_id, second);
  EXPECT_EQ((*resumed)[0].attempts, 3);
  ASSERT_TRUE(webhooks()
                  .RecordAttempt(AttemptOutcome{second, 20000, false, 502,
                                                "HTTP 502", std::nullopt, 3})
                  .ok());
  log = Deliveries("itg_a", "wh_1", 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].id, second);  // newest first
  EXPECT_EQ((*log)[0].status, DeliveryStatus::kFailed);
  EXPECT_EQ((*log)[0].attempts, 4);
  EXPECT_FALSE((*log)[0].next_attempt_at_ms.has_value());
  EXPECT_TRUE(webhooks().ClaimDueDeliveries(100000, 10, 200000)->empty());
}

TEST_P(WebhookStoreContractTest, AnOutcomeOfALostLeaseChangesNothing) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}).ok());
  ASSERT_TRUE(Publish("itg_a", "evt_1", "payment.created", 100).ok());
  const std::string id = DeliveryId("evt_1", "wh_1");
  absl::StatusOr<std::vector<ClaimedDelivery>> first =
      webhooks().ClaimDueDeliveries(100, 10, 1000);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].lease_until_ms, 1000);
  // The lease ran out and another worker claimed and delivered it.
  absl::StatusOr<std::vector<ClaimedDelivery>> second =
      webhooks().ClaimDueDeliveries(1500, 10, 5000);
  ASSERT_EQ(second->size(), 1u);
  ASSERT_TRUE(webhooks()
                  .RecordAttempt(AttemptOutcome{id, 5000, true, 204, "", {}, 3})
                  .ok());
  // The first worker's late failure is refused and undoes nothing.
  EXPECT_EQ(webhooks()
                .RecordAttempt(
                    AttemptOutcome{id, 1000, false, 0, "timed out", 9000, 3})
                .code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<std::vector<WebhookDeliveryRecord>> log =
      Deliveries("itg_a", "wh_1", 10);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)[0].status, DeliveryStatus::kSucceeded);
  EXPECT_EQ((*log)[0].attempts, 1);
  EXPECT_EQ(List("itg_a")->at(0).failure_count, 0);
}

TEST_P(WebhookStoreContractTest, FinishedDeliveriesCanBeRetriedAndTestsSent) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}).ok());
  ASSERT_TRUE(Create("itg_b", "wh_2", {"payment.created"}).ok());
  ASSERT_TRUE(Publish("itg_a", "evt_1", "payment.created", 100).ok());
  const std::string id = DeliveryId("evt_1", "wh_1");
  auto retry = [&](const std::string& integrator, const std::string& webhook,
                   const std::string& delivery) {
    Answer<WebhookDeliveryRecord> answer;
    webhooks().RetryDelivery(integrator, webhook, delivery, 5000,
                             answer.Callback());
    return answer.Get();
  };
  EXPECT_EQ(retry("itg_a", "wh_1", id).status().code(),
            absl::StatusCode::kFailedPrecondition);  // still pending
  ASSERT_EQ(webhooks().ClaimDueDeliveries(100, 10, 1000)->size(), 1u);
  ASSERT_TRUE(webhooks()
                  .RecordAttempt(AttemptOutcome{id, 1000, true, 200, "", {}, 3})
                  .ok());
  absl::StatusOr<WebhookDeliveryRecord> retried = retry("itg_a", "wh_1", id);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->status, DeliveryStatus::kPending);
  EXPECT_EQ(retried->next_attempt_at_ms, 5000);
  EXPECT_EQ(retried->attempts, 1);
  EXPECT_TRUE(absl::IsNotFound(retry("itg_b", "wh_1", id).status()));
  EXPECT_TRUE(absl::IsNotFound(retry("itg_a", "wh_1", "dlv_nope").status()));
  absl::StatusOr<std::vector<ClaimedDelivery>> again =
      webhooks().ClaimDueDeliveries(5000, 10, 9000);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].body, "{\"id\":\"evt_1\",\"data\":{}}");

  auto test_event = [&](const std::string& integrator,
                        const std::string& webhook, const std::string& event) {
    Answer<WebhookDeliveryRecord> answer;
    webhooks().PublishTestEvent(
        webhook, WebhookEvent{event, integrator, "webhook.test", "{}", 7000},
        answer.Callback());
    return answer.Get();
  };
  absl::StatusOr<WebhookDeliveryRecord> test =
      test_event("itg_a", "wh_1", "evt_t");
  ASSERT_TRUE(test.ok()) << test.status();
  EXPECT_EQ(test->id, DeliveryId("evt_t", "wh_1"));
  EXPECT_EQ(test->event_type, "webhook.test");
  EXPECT_EQ(test->status, DeliveryStatus::kPending);
  EXPECT_TRUE(absl::IsNotFound(test_event("itg_a", "wh_2", "evt_u").status()));
  // Only that webhook gets it, whatever it subscribes to.
  EXPECT_TRUE(Deliveries("itg_b", "wh_2", 10)->empty());
}

TEST_P(WebhookStoreContractTest, AnIdempotencyKeyPublishesOncePerDay) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}).ok());
  const IdempotencyKey key{"order-42", "fingerprint-1"};
  absl::StatusOr<PublishedEvent> first =
      PublishKeyed("itg_a", "evt_1", "payment.created", 1000, key);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->event_id, "evt_1");
  EXPECT_EQ(first->deliveries, 1);
  EXPECT_FALSE(first->replayed);
  // A retry under another event id: the first answer, nothing written.
  absl::StatusOr<PublishedEvent> again =
      PublishKeyed("itg_a", "evt_2", "payment.created", 2000, key);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->event_id, "evt_1");
  EXPECT_EQ(again->deliveries, 1);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(Deliveries("itg_a", "wh_1", 10)->size(), 1u);
  // The same key for another request is refused; another integrator's key
  // space is its own.
  EXPECT_EQ(PublishKeyed("itg_a", "evt_3", "payment.created", 3000,
                         IdempotencyKey{"order-42", "fingerprint-2"})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<PublishedEvent> other =
      PublishKeyed("itg_b", "evt_4", "payment.created", 3000, key);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->event_id, "evt_4");
  // After 24 hours the key is forgotten: a new event.
  absl::StatusOr<PublishedEvent> later = PublishKeyed(
      "itg_a", "evt_5", "payment.created", 1000 + kIdempotencyWindowMs + 1,
      IdempotencyKey{"order-42", "fingerprint-2"});
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->event_id, "evt_5");
  EXPECT_FALSE(later->replayed);
  // A key that failed with its publish (unknown integrator) is not kept.
  EXPECT_TRUE(absl::IsNotFound(
      PublishKeyed("itg_zz", "evt_6", "payment.created", 5000, key).status()));
}

TEST_P(WebhookStoreContractTest, PruningTakesOnlyOldFinishedWorkInBatches) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}).ok());
  ASSERT_TRUE(Create("itg_a", "wh_2", {"account.created"}).ok());
  // Three old events delivered to wh_1, one old pending on wh_2, one new.
  for (int i = 0; i < 3; ++i) {
    const std::string event = absl::StrCat("evt_old", i);
    ASSERT_TRUE(Publish("itg_a", event, "payment.created", 100 + i).ok());
    ASSERT_EQ(webhooks().ClaimDueDeliveries(1000, 1, 2000)->size(), 1u);
    ASSERT_TRUE(webhooks()
                    .RecordAttempt(AttemptOutcome{
                        DeliveryId(event, "wh_1"), 2000, true, 200, "", {}, 3})
                    .ok());
  }
  ASSERT_TRUE(Publish("itg_a", "evt_pending", "account.created", 100).ok());
  ASSERT_TRUE(Publish("itg_a", "evt_new", "payment.created", 9000).ok());
  ASSERT_TRUE(PublishKeyed("itg_a", "evt_k", "capabilities.updated", 50,
                           IdempotencyKey{"k", "f"})
                  .ok());
  absl::StatusOr<PruneCounts> first = webhooks().PruneFinished(5000, 60, 2);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->deliveries, 2);  // a batch of two
  EXPECT_EQ(first->idempotency_keys, 1);
  absl::StatusOr<PruneCounts> second = webhooks().PruneFinished(5000, 60, 2);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->deliveries, 1);
  // evt_old0..2 and evt_k (no delivery) once no delivery needs them.
  int events = first->events + second->events;
  absl::StatusOr<PruneCounts> third = webhooks().PruneFinished(5000, 60, 2);
  events += third->events;
  EXPECT_EQ(third->deliveries, 0);
  EXPECT_EQ(events, 4);
  // What is left: the new delivery, and the pending one with its event.
  absl::StatusOr<std::vector<WebhookDeliveryRecord>> left =
      Deliveries("itg_a", "wh_1", 10);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].event_id, "evt_new");
  left = Deliveries("itg_a", "wh_2", 10);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].event_id, "evt_pending");
  EXPECT_EQ(webhooks().ClaimDueDeliveries(100000, 10, 200000)->size(), 2u);
}

TEST_P(WebhookStoreContractTest, DeletingAWebhookDeletesItsDeliveries) {
  ASSERT_TRUE(Create("itg_a", "wh_1", {"payment.created"}).ok());
  ASSERT_TRUE(Publish("itg_a", "evt_1", "payment.created").ok());
  ASSERT_TRUE(Delete("itg_a", "wh_1").ok());
  EXPECT_TRUE(webhooks().ClaimDueDeliveries(1000, 10, 2000)->empty());
  EXPECT_TRUE(absl::IsNotFound(Deliveries("itg_a", "wh_1", 10).status()));
}

INSTANTIATE_TEST_SUITE_P(AllStores, WebhookStoreContractTest,
                         ::testing::ValuesIn(AllStores()), StoreName);

}  // namespace
}  // namespace integrator
