// The fixture of the WebhookStore contract suites: a fresh store of each
// backend (store_test_backends.h) with integrators itg_a and itg_b, and
// helpers that wait for the store's callbacks. Shared by
// webhook_store_contract_test.cc (subscriptions, events, the delivery log)
// and webhook_outbox_contract_test.cc (claims, outcomes, retries, pruning);
// the suite is instantiated once, in the first.
//
// EXAMPLE:
//   TEST_P(WebhookStoreContractTest, Something) { Create("itg_a", ...); }
#ifndef INTEGRATOR_SERVER_STORE_WEBHOOK_STORE_TEST_FIXTURE_H_
#define INTEGRATOR_SERVER_STORE_WEBHOOK_STORE_TEST_FIXTURE_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/store/store_test_backends.h"

namespace integrator {

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

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_WEBHOOK_STORE_TEST_FIXTURE_H_
