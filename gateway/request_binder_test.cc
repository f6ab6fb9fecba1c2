#include "gateway/request_binder.h"

#include "absl/strings/str_cat.h"
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
       {"{", "[1]", "\"str\"", "{\"secret\":\"\xff\"}",
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

// The rule shapes of ShelfService (gateway_test.proto): each of these
// crashed, was refused or was mis-bound before.
TEST(RequestBinderTest, NestedPathFieldsAreSetInTheirParent) {
  Bound b = Bind("GET", "/v1/shelves/s1/books/b1", "", "");
  ASSERT_TRUE(b.status.ok()) << b.status;
  gwtest::v1::GetBookRequest request;
  ASSERT_TRUE(request.ParseFromString(b.serialized));
  EXPECT_EQ(request.shelf().id(), "s1");
  EXPECT_EQ(request.book().id(), "b1");
  // The path wins over the body for the same nested field.
  Bound patch = Bind("PATCH", "/v1/books/b2?update_mask=title,author",
                     "application/json", R"({"id":"other","title":"T"})");
  ASSERT_TRUE(patch.status.ok()) << patch.status;
  gwtest::v1::UpdateBookRequest update;
  ASSERT_TRUE(update.ParseFromString(patch.serialized));
  EXPECT_EQ(update.book().id(), "b2");
  EXPECT_EQ(update.book().title(), "T");
  ASSERT_EQ(update.update_mask().paths_size(), 2);
  EXPECT_EQ(update.update_mask().paths(1), "author");
  // With response_body too.
  EXPECT_TRUE(Bind("GET", "/v1/envelopes/s/b", "", "").status.ok());
}

TEST(RequestBinderTest, WellKnownTypesAndBytesInTheQuery) {
  Bound b = Bind("GET",
                 "/v1/search?start_time=2017-01-15T01:30:15.01Z&timeout=1.5s"
                 "&update_mask=title,author&count=5&exact=true&title=Dune"
                 "&cursor=-_8&ids=7&ids=8&tokens=YQ&tokens=YWI%3D",
                 "", "");
  ASSERT_TRUE(b.status.ok()) << b.status;
  gwtest::v1::SearchRequest request;
  ASSERT_TRUE(request.ParseFromString(b.serialized));
  EXPECT_EQ(request.start_time().seconds(), 1484443815);
  EXPECT_EQ(request.start_time().nanos(), 10000000);
  EXPECT_EQ(request.timeout().seconds(), 1);
  EXPECT_EQ(request.timeout().nanos(), 500000000);
  EXPECT_EQ(request.update_mask().paths(0), "title");
  EXPECT_EQ(request.count().value(), 5);
  EXPECT_TRUE(request.exact().value());
  EXPECT_EQ(request.title().value(), "Dune");
  EXPECT_EQ(request.cursor(), "\xfb\xff");  // URL-safe, unpadded
  ASSERT_EQ(request.ids_size(), 2);
  EXPECT_EQ(request.ids(1).value(), 8);
  ASSERT_EQ(request.tokens_size(), 2);
  EXPECT_EQ(request.tokens(0), "a");   // standard, unpadded
  EXPECT_EQ(request.tokens(1), "ab");  // standard, padded
}

TEST(RequestBinderTest, BadWellKnownValuesNameTheField) {
  struct Case {
    absl::string_view query;
    absl::string_view field;
  } cases[] = {
      {"start_time=yesterday", "startTime"},
      {"timeout=soon", "timeout"},
      {"count=five", "count"},
      {"exact=yes", "exact"},
      {"cursor=%25%25", "cursor"},
      {"ids=x", "ids"},
  };
  for (const Case& c : cases) {
    const absl::Status status =
        Bind("GET", absl::StrCat("/v1/search?", c.query), "", "").status;
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.query;
    EXPECT_EQ(Field(status), c.field) << c.query;
  }
  // A message that has no string form cannot come from the URL.
  EXPECT_EQ(Field(Bind("GET", "/v1/shelves/s/books?shelf=x", "", "").status),
            "shelf");
}

TEST(RequestBinderTest, BodyNamingARepeatedField) {
  Bound b = Bind("POST", "/v1/books/b1/tags", "application/json",
                 R"(["sci-fi","classic"])");
  ASSERT_TRUE(b.status.ok()) << b.status;
  gwtest::v1::AddTagsRequest request;
  ASSERT_TRUE(request.ParseFromString(b.serialized));
  EXPECT_EQ(request.book_id(), "b1");
  ASSERT_EQ(request.tags_size(), 2);
  EXPECT_EQ(request.tags(1), "classic");
  // Exactly one JSON value: nothing can reach another field.
  for (absl::string_view body :
       {R"([],"bookId":"x")", R"([1] [2])", R"({"tags":["a"]})", "[",
        R"(["a"]})", R"([{"a":1}])"}) {
    const absl::Status status =
        Bind("POST", "/v1/books/b1/tags", "application/json", body).status;
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << body;
  }
  EXPECT_EQ(Bind("POST", "/v1/books/b1/tags",
                 "application/x-www-form-urlencoded", "tags=a")
                .status.code(),
            absl::StatusCode::kInvalidArgument);  // 415
}

TEST(RequestBinderTest, AnEmptyBodyIsAnEmptyObject) {
  for (absl::string_view content_type : {"application/json", ""}) {
    Bound b = Bind("POST", "/v1/shelves/s1:clear", content_type, "");
    ASSERT_TRUE(b.status.ok()) << b.status;
    gwtest::v1::ClearRequest request;
    ASSERT_TRUE(request.ParseFromString(b.serialized));
    EXPECT_EQ(request.shelf_id(), "s1");
    EXPECT_FALSE(request.force());
  }
  EXPECT_TRUE(Bind("PUT", "/v1/secret", "application/json", "").status.ok());
}

TEST(RouteTableTest, UnservableRulesAreSkippedWithAReasonAndTheRestServed) {
  const std::vector<std::string>& skipped =
      testing::TestRoutes()->skipped_rules();
  ASSERT_EQ(skipped.size(), 3u);
  EXPECT_NE(skipped[0].find("gwtest.v1.ShelfService.Watch"), std::string::npos);
  EXPECT_NE(skipped[0].find("streaming"), std::string::npos);
  EXPECT_NE(skipped[1].find("gwtest.v1.ShelfService.BadTemplate"),
            std::string::npos);
  // Two rules for one route: the later is skipped, naming both.
  EXPECT_EQ(skipped[2],
            "gwtest.v1.ShelfService.SameRouteAsClear (POST "
            "/v1/shelves/{force}:clear): the same route as "
            "gwtest.v1.ShelfService.Clear (POST /v1/shelves/{shelf_id}:clear), "
            "which is served");
  EXPECT_TRUE(testing::TestRoutes()
                  ->matcher()
                  .Lookup("GET", "/v1/shelves/s/books/b")
                  .ok());
}

}  // namespace
}  // namespace gateway
