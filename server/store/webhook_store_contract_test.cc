// The WebhookStore contract (webhook_store.h), run against every backend:
// subscriptions, publishing and the delivery log. The outbox's half is in
// webhook_outbox_contract_test.cc.
#include <string>
#include <vector>

#include "server/store/webhook_store_test_fixture.h"

namespace integrator {
namespace {

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
