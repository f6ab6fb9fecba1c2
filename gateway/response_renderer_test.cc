#include "gateway/response_renderer.h"

#include "gateway/gateway_test_util.h"
#include "gateway_test.pb.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

absl::StatusOr<std::string> Render(absl::string_view target,
                                   const google::protobuf::Message& response) {
  auto match = testing::TestRoutes()->matcher().Lookup("GET", target);
  EXPECT_TRUE(match.ok());
  EXPECT_EQ(match->outcome, LookupOutcome::kMatch) << target;
  std::unique_ptr<google::protobuf::Message> copy(response.New());
  copy->CopyFrom(response);
  return ResponseToJson(*match->method, *copy);
}

TEST(ResponseRendererTest, WholeMessageWithDefaults) {
  gwtest::v1::Thing thing;
  thing.set_id("1");
  EXPECT_EQ(*Render("/v1/things/1", thing),
            R"({"id":"1","displayName":"","weight":"0"})");
}

TEST(ResponseRendererTest, ResponseBodySelectsAMessageField) {
  gwtest::v1::ThingEnvelope envelope;
  envelope.mutable_thing()->set_id("1");
  envelope.set_etag("e");
  EXPECT_EQ(*Render("/v1/wrapped/1", envelope),
            R"({"id":"1","displayName":"","weight":"0"})");
}

TEST(ResponseRendererTest, ResponseBodyNamingARepeatedFieldIsAnArray) {
  gwtest::v1::ListBooksResponse list;
  list.add_books()->set_id("1");
  list.add_books()->set_title("T");
  list.add_titles("a\"b");
  list.set_next_page_token("next");
  EXPECT_EQ(*Render("/v1/shelves/s/books", list),
            R"([{"id":"1","title":"","author":""},)"
            R"({"id":"","title":"T","author":""}])");
  EXPECT_EQ(*Render("/v1/shelves/s/titles", list), R"(["a\"b"])");
  EXPECT_EQ(*Render("/v1/shelves/s/books", gwtest::v1::ListBooksResponse()),
            "[]");
}

TEST(ResponseRendererTest, ResponseBodyNamingAScalarIsItsJsonValue) {
  gwtest::v1::ListBooksResponse list;
  list.set_next_page_token("n\"1");
  EXPECT_EQ(*Render("/v1/shelves/s/token", list), R"("n\"1")");
  EXPECT_EQ(*Render("/v1/shelves/s/token", gwtest::v1::ListBooksResponse()),
            R"("")");
  gwtest::v1::ThingEnvelope envelope;
  EXPECT_EQ(*Render("/v1/wrapped/1", envelope),
            R"({"id":"","displayName":"","weight":"0"})");
}

}  // namespace
}  // namespace gateway
