#include "gateway/json_depth.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/gateway_error.h"
#include "gtest/gtest.h"

namespace gateway {
namespace {

std::string Nested(int depth, char open, char close) {
  return absl::StrCat(std::string(depth, open), std::string(depth, close));
}

TEST(CheckJsonDepth, AcceptsUpToTheLimit) {
  EXPECT_TRUE(CheckJsonDepth(Nested(32, '[', ']'), 32).ok());
  EXPECT_TRUE(CheckJsonDepth(R"({"a":{"b":[1,{"c":2}]}})", 4).ok());
  EXPECT_TRUE(CheckJsonDepth("", 32).ok());
}

TEST(CheckJsonDepth, RefusesDeeperWithA400) {
  const absl::Status status = CheckJsonDepth(Nested(33, '[', ']'), 32);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(HttpStatusOverride(status), 400);
  EXPECT_FALSE(CheckJsonDepth(R"({"a":{"b":{"c":{}}}})", 3).ok());
}

TEST(CheckJsonDepth, BracketsInStringsDoNotCount) {
  const std::string deep_text =
      absl::StrCat("\"", Nested(100, '[', ']'), "\\\"[[[\"");
  EXPECT_TRUE(
      CheckJsonDepth(absl::StrCat("{\"secret\":", deep_text, "}"), 1).ok());
  // An escaped backslash ends before the quote: the string closes there.
  EXPECT_FALSE(CheckJsonDepth(R"(["\\",[[]]])", 2).ok());
}

TEST(CheckJsonDepth, SingleQuotedStringsAreStringsToo) {
  // A '"' inside a single-quoted string must not open a string that hides
  // the nesting after it (Protobuf reads single-quoted strings).
  EXPECT_FALSE(
      CheckJsonDepth(absl::StrCat("['\"',", Nested(40, '[', ']'), ",'\"']"), 32)
          .ok());
  EXPECT_TRUE(CheckJsonDepth("{'a':'[[[[','b':\"]]'\"}", 1).ok());
}

TEST(CheckJsonDepth, UnbalancedClosersNeverUnderflow) {
  EXPECT_FALSE(
      CheckJsonDepth(absl::StrCat("]]]]", Nested(3, '{', '}')), 2).ok());
}

TEST(CheckJsonDepth, BodiesAtTheSizeLimit) {
  // Speed is measured by bench/run-hostile-bench, not asserted here.
  EXPECT_FALSE(CheckJsonDepth(std::string(64 * 1024, '['), 32).ok());
  std::string flat = "[";
  while (flat.size() < 64 * 1024) absl::StrAppend(&flat, "[],");
  absl::StrAppend(&flat, "[]]");
  EXPECT_TRUE(CheckJsonDepth(flat, 32).ok());
}

}  // namespace
}  // namespace gateway
