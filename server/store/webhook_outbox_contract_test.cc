// The WebhookStore contract (webhook_store.h), the outbox's half: claims
// and their leases, attempt outcomes, retries and test events, pruning.
// Instantiated with the rest of the suite in webhook_store_contract_test.cc.
#include <optional>
#include <string>
#include <vector>

#include "server/store/webhook_store_test_fixture.h"

namespace integrator {
namespace {

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

}  // namespace
}  // namespace integrator
