#include "gateway/request_binder.h"

#include "gateway/gateway_test_util.h"
#include "gateway_test.pb.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "proto/rpc/status_details.h"

namespace gateway {
namespace {

using gwtest::v1::GetThingRequest;
using gwtest::v1::SetSecretRequest;
using gwtest::v1::UpdateThingRequest;

struct Bound {
  absl::Status status;
  std::string serialized;
};

Bound Bind(absl::string_view method, absl::string_view target,
           absl::string_view content_type, absl::string_view body) {
  auto match = testing::TestRoutes()->matcher().Lookup(method, target);
  EXPECT_TRUE(match.ok());
  EXPECT_EQ(match->outcome, LookupOutcome::kMatch) << target;
  auto message = BindRequest(*match->method, content_type, body, match->query,
                             match->bindings);
  if (!message.ok()) return {message.status(), ""};
  return {absl::OkStatus(), (*message)->SerializeAsString()};
}

std::string Field(const absl::Status& s) {
  auto bad = integrator::rpc::GetDetail<google::rpc::BadRequest>(s);
  return bad.has_value() ? bad->field_violations(0).field() : "<none>";
}

TEST(RequestBinderTest, JsonBodyWithJsonOrProtoNames) {
  for (
      absl::string_view body :
      {R"({"secret":"whsec_x","ownerId":"o1","limits":{"maxCount":3,"tags":["a"]}})",
       R"({"secret":"whsec_x","owner_id":"o1","limits":{"max_count":"3","tags":["a"]}})"}) {
    Bound b =
        Bind("PUT", "/v1/secret", "application/json; charset=utf-8", body);
    ASSERT_TRUE(b.status.ok()) << b.status;
    SetSecretRequest request;
    ASSERT_TRUE(request.ParseFromString(b.serialized));
    EXPECT_EQ(request.secret(), "whsec_x");
    EXPECT_EQ(request.owner_id(), "o1");
    EXPECT_EQ(request.limits().max_count(), 3);
  }
}

TEST(RequestBinderTest, BodyErrorsNameTheFieldAndNeverQuoteInput) {
  struct Case {
    absl::string_view body;
    absl::string_view field;
  } cases[] = {
      {R"({"secret":123})", "secret"},
      {R"({"secret":"x","extra":1})", "extra"},
      {R"({"limits":{"maxCount":true}})", "limits.maxCount"},
      {R"({"limits":{"tags":{"a":1}}})", "limits.tags"},
  };
  for (const Case& c : cases) {
    Bound b = Bind("PUT", "/v1/secret", "application/json", c.body);
    EXPECT_EQ(b.status.code(), absl::StatusCode::kInvalidArgument) << c.body;
    EXPECT_EQ(Field(b.status), c.field) << c.body;
  }
  for (absl::string_view body :
       {"", "{", "[1]", "\"str\"", "{\"secret\":\"\xff\"}",
        "{\"secret\":\"whsec_leak\"", "{\"s\xc3\xa9\x63ret\":1}"}) {
    Bound b = Bind("PUT", "/v1/secret", "application/json", body);
    EXPECT_EQ(b.status.code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_EQ(std::string(b.status.message()).find("leak"), std::string::npos);
  }
}

TEST(RequestBinderTest, ProtobufsLenientJsonIsTheContract) {
  // Protobuf's JSON parser takes a lone value for a repeated field; the
  // gateway follows Protobuf's mapping rather than second-guessing it.
  Bound b = Bind("PUT", "/v1/secret", "application/json",
                 R"({"limits":{"tags":"one"}})");
  ASSERT_TRUE(b.status.ok()) << b.status;
  SetSecretRequest request;
  ASSERT_TRUE(request.ParseFromString(b.serialized));
  ASSERT_EQ(request.limits().tags_size(), 1);
  EXPECT_EQ(request.limits().tags(0), "one");
}

TEST(RequestBinderTest, ContentTypes) {
  Bound form = Bind("POST", "/v1/secret", "application/x-www-form-urlencoded",
                    "secret=a+b%26c&owner_id=%C3%A9");
  ASSERT_TRUE(form.status.ok()) << form.status;
  SetSecretRequest request;
  ASSERT_TRUE(request.ParseFromString(form.serialized));
  EXPECT_EQ(request.secret(), "a b&c");
  EXPECT_EQ(request.owner_id(), "\xC3\xA9");

  EXPECT_EQ(Bind("POST", "/v1/secret", "application/x-www-form-urlencoded",
                 "secret=%FF")
                .status.code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Bind("POST", "/v1/secret", "application/x-www-form-urlencoded", "nope=1")
          .status.code(),
      absl::StatusCode::kInvalidArgument);
  Bound multipart =
      Bind("PUT", "/v1/secret", "multipart/form-data; boundary=x", "--x--");
  EXPECT_NE(std::string(multipart.status.message()).find("multipart"),
            std::string::npos);
  EXPECT_FALSE(Bind("PUT", "/v1/secret", "text/plain", "secret").status.ok());
  EXPECT_FALSE(Bind("PUT", "/v1/secret", "", "{}").status.ok());
}

TEST(RequestBinderTest, PathVariablesAndQueryParameters) {
  Bound b = Bind(
      "GET", "/v1/things/t%2F1?view=VIEW_FULL&page_size=20&fields=a&fields=b",
      "", "");
  ASSERT_TRUE(b.status.ok()) << b.status;
  GetThingRequest request;
  ASSERT_TRUE(request.ParseFromString(b.serialized));
  EXPECT_EQ(request.id(), "t/1");
  EXPECT_EQ(request.view(), gwtest::v1::VIEW_FULL);
  EXPECT_EQ(request.page_size(), 20);
  EXPECT_EQ(request.fields_size(), 2);

  EXPECT_EQ(Field(Bind("GET", "/v1/things/1?page_size=x", "", "").status),
            "pageSize");
  EXPECT_EQ(Field(Bind("GET", "/v1/things/1?nope=1", "", "").status), "nope");
  EXPECT_EQ(
      Field(Bind("GET", "/v1/things/1?page_size=1&page_size=2", "", "").status),
      "pageSize");
  // A query parameter cannot override the path.
  EXPECT_FALSE(Bind("GET", "/v1/things/1?id=2", "", "").status.ok());
  EXPECT_FALSE(
      Bind("PUT", "/v1/secret?secret=x", "application/json", "{}").status.ok());
}

TEST(RequestBinderTest, BodyFieldAndMultiSegmentVariable) {
  Bound b = Bind("PATCH", "/v1/shelves/s1/things/t1", "application/json",
                 R"({"displayName":"Lamp","weight":"12"})");
  ASSERT_TRUE(b.status.ok()) << b.status;
  UpdateThingRequest request;
  ASSERT_TRUE(request.ParseFromString(b.serialized));
  EXPECT_EQ(request.name(), "shelves/s1/things/t1");
  EXPECT_EQ(request.thing().display_name(), "Lamp");
  EXPECT_EQ(request.thing().weight(), 12);
}

TEST(RequestBinderTest, ResponseBodySelectsAField) {
  auto match = testing::TestRoutes()->matcher().Lookup("GET", "/v1/wrapped/1");
  ASSERT_TRUE(match.ok());
  gwtest::v1::ThingEnvelope envelope;
  envelope.mutable_thing()->set_id("1");
  envelope.set_etag("e");
  absl::StatusOr<std::string> json =
      ResponseToJson(*match->method, envelope.SerializeAsString());
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"id":"1","displayName":"","weight":"0"})");
}

}  // namespace
}  // namespace gateway
