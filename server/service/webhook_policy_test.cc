#include "server/service/webhook_policy.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "proto/rpc/status_details.h"

namespace integrator::service {
namespace {

google::protobuf::RepeatedPtrField<std::string> Events(
    std::initializer_list<const char*> types) {
  google::protobuf::RepeatedPtrField<std::string> events;
  for (const char* type : types) events.Add(type);
  return events;
}

std::string ViolatedField(const absl::Status& status) {
  auto bad_request =
      ::integrator::rpc::GetDetail<::google::rpc::BadRequest>(status);
  if (!bad_request.has_value() || bad_request->field_violations().empty()) {
    return "";
  }
  return bad_request->field_violations(0).field();
}

TEST(WebhookPolicyTest, EventsAreKnownNonEmptyAndDistinct) {
  EXPECT_TRUE(ValidateEvents(Events({"payment.created"})).ok());
  EXPECT_TRUE(
      ValidateEvents(
          Events({"account.created", "account.updated", "account.deleted",
                  "payment.created", "payment.updated", "payment.completed",
                  "payment.refunded", "verification.status.updated",
                  "capabilities.updated"}))
          .ok());
  for (const auto& bad :
       {Events({}), Events({"payment.exploded"}),
        Events({"payment.created", "payment.created"}),
        Events({"Payment.Created"}), Events({"webhook.test"})}) {
    absl::Status s = ValidateEvents(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(s));
    EXPECT_EQ(ViolatedField(s), "events");
  }
}

TEST(WebhookPolicyTest, WebhookIdsAreBoundedAndPlain) {
  EXPECT_TRUE(ValidateWebhookIdShape("wh_0123456789abcdef01234567").ok());
  EXPECT_TRUE(ValidateWebhookIdShape("anything-else_ok").ok());
  for (const std::string& bad :
       {std::string(), std::string(65, 'a'), std::string("a/b"),
        std::string("a b"), std::string("%2e")}) {
    EXPECT_EQ(ViolatedField(ValidateWebhookIdShape(bad)), "webhook_id") << bad;
  }
}

TEST(WebhookPolicyTest, NewIdsArePrefixedRandomHex) {
  absl::StatusOr<std::string> a = NewResourceId("wh_");
  absl::StatusOr<std::string> b = NewResourceId("wh_");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 27u);
  EXPECT_EQ(a->substr(0, 3), "wh_");
  EXPECT_NE(*a, *b);
}

TEST(WebhookPolicyTest, PageSizesAndTokens) {
  EXPECT_EQ(*DeliveryPageSize(0), 20);
  EXPECT_EQ(*DeliveryPageSize(100), 100);
  EXPECT_EQ(ViolatedField(DeliveryPageSize(101).status()), "page_size");
  EXPECT_EQ(ViolatedField(DeliveryPageSize(-1).status()), "page_size");

  const std::string token = EncodePageToken({1234567890123, "dlv_abc"});
  absl::StatusOr<std::optional<DeliveryCursor>> cursor = DecodePageToken(token);
  ASSERT_TRUE(cursor.ok());
  ASSERT_TRUE(cursor->has_value());
  EXPECT_EQ((*cursor)->created_at_ms, 1234567890123);
  EXPECT_EQ((*cursor)->id, "dlv_abc");
  EXPECT_FALSE(DecodePageToken("")->has_value());
  for (const std::string& bad :
       {std::string("%%"), std::string("bm90IGEgdG9rZW4"),  // "not a token"
        EncodePageToken({1, "a b"}), std::string(300, 'A')}) {
    EXPECT_EQ(ViolatedField(DecodePageToken(bad).status()), "page_token")
        << bad;
  }
}

TEST(WebhookPolicyTest, EventDataIsOneJsonObjectOfAtMost256KiB) {
  EXPECT_TRUE(ValidateEventData("{}").ok());
  EXPECT_TRUE(
      ValidateEventData(R"({"a":{"b":[1,2,{"c":null}]},"d":"é"})").ok());
  for (const std::string& bad :
       {std::string(""), std::string("[]"), std::string("1"),
        std::string("\"text\""), std::string("{"), std::string("{} {}")}) {
    EXPECT_EQ(ViolatedField(ValidateEventData(bad)), "data") << bad;
  }
  const std::string big =
      absl::StrCat("{\"x\":\"", std::string(kMaxEventDataBytes, 'a'), "\"}");
  EXPECT_EQ(ViolatedField(ValidateEventData(big)), "data");
}

TEST(WebhookPolicyTest, TheBodyKeepsTheDataByteForByte) {
  const std::string data = R"({"amount": 12345678901234567890, "z":1,"a":2})";
  EXPECT_EQ(EventBody("evt_1", "payment.created",
                      absl::FromUnixMillis(1767225600123), data),
            absl::StrCat("{\"id\":\"evt_1\",\"type\":\"payment.created\","
                         "\"createdAt\":\"2026-01-01T00:00:00.123Z\","
                         "\"data\":",
                         data, "}"));
}

}  // namespace
}  // namespace integrator::service
