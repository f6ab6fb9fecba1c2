#include "gateway/http_template.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gateway {
namespace {

using Segments = std::vector<std::string>;
using FieldPath = std::vector<std::string>;

HttpTemplate MustParse(absl::string_view text) {
  absl::StatusOr<HttpTemplate> t = HttpTemplate::Parse(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return t.ok() ? *t : HttpTemplate();
}

HttpTemplate::Variable Var(FieldPath path, int start, int end,
                           bool multi = false) {
  HttpTemplate::Variable v;
  v.field_path = std::move(path);
  v.start_segment = start;
  v.end_segment = end;
  v.has_multi_segment_wildcard = multi;
  return v;
}

TEST(HttpTemplateTest, Literals) {
  HttpTemplate t = MustParse("/v1/shelves");
  EXPECT_EQ(t.segments(), (Segments{"v1", "shelves"}));
  EXPECT_EQ(t.verb(), "");
  EXPECT_TRUE(t.variables().empty());
}

TEST(HttpTemplateTest, LiteralKeepsPercentEncodingAndSubDelims) {
  HttpTemplate t = MustParse("/a%2Fb/x-y.z_~!$&'()+,;=@");
  EXPECT_EQ(t.segments(), (Segments{"a%2Fb", "x-y.z_~!$&'()+,;=@"}));
}

TEST(HttpTemplateTest, Wildcards) {
  EXPECT_EQ(MustParse("/a/*/b").segments(), (Segments{"a", "*", "b"}));
  EXPECT_EQ(MustParse("/a/**").segments(), (Segments{"a", "**"}));
  EXPECT_EQ(MustParse("/**").segments(), (Segments{"**"}));
  EXPECT_EQ(MustParse("/*").segments(), (Segments{"*"}));
}

TEST(HttpTemplateTest, SimpleVariableIsSugarForStar) {
  HttpTemplate t = MustParse("/shelves/{shelf}");
  EXPECT_EQ(t.segments(), (Segments{"shelves", "*"}));
  ASSERT_EQ(t.variables().size(), 1u);
  EXPECT_EQ(t.variables()[0], Var({"shelf"}, 1, 2));
  EXPECT_FALSE(t.variables()[0].IsMultiSegment());
  EXPECT_EQ(t, MustParse("/shelves/{shelf=*}"));
}

TEST(HttpTemplateTest, NestedFieldPath) {
  HttpTemplate t = MustParse("/{a.b.c}/{_x1.Y_2}");
  ASSERT_EQ(t.variables().size(), 2u);
  EXPECT_EQ(t.variables()[0], Var({"a", "b", "c"}, 0, 1));
  EXPECT_EQ(t.variables()[1], Var({"_x1", "Y_2"}, 1, 2));
}

TEST(HttpTemplateTest, VariableWithSegments) {
  HttpTemplate t = MustParse("/v1/{name=shelves/*}/books");
  EXPECT_EQ(t.segments(), (Segments{"v1", "shelves", "*", "books"}));
  ASSERT_EQ(t.variables().size(), 1u);
  EXPECT_EQ(t.variables()[0], Var({"name"}, 1, 3));
  EXPECT_TRUE(t.variables()[0].IsMultiSegment());
}

TEST(HttpTemplateTest, VariableWithLiteralOnly) {
  HttpTemplate t = MustParse("/{x=abc}");
  EXPECT_EQ(t.variables()[0], Var({"x"}, 0, 1));
  EXPECT_FALSE(t.variables()[0].IsMultiSegment());
}

TEST(HttpTemplateTest, VariableWithMultiWildcard) {
  HttpTemplate t = MustParse("/v1/{path=**}");
  EXPECT_EQ(t.segments(), (Segments{"v1", "**"}));
  EXPECT_EQ(t.variables()[0], Var({"path"}, 1, 2, true));
  EXPECT_TRUE(t.variables()[0].IsMultiSegment());
}

TEST(HttpTemplateTest, VariableWithPrefixAndMultiWildcard) {
  HttpTemplate t = MustParse("/v1/{name=objects/**}");
  EXPECT_EQ(t.segments(), (Segments{"v1", "objects", "**"}));
  EXPECT_EQ(t.variables()[0], Var({"name"}, 1, 3, true));
}

TEST(HttpTemplateTest, Verb) {
  HttpTemplate t = MustParse("/v1/operations:cancel");
  EXPECT_EQ(t.segments(), (Segments{"v1", "operations"}));
  EXPECT_EQ(t.verb(), "cancel");
}

TEST(HttpTemplateTest, VerbWithVariables) {
  HttpTemplate t = MustParse("/v1/{name=operations/*}:cancel");
  EXPECT_EQ(t.verb(), "cancel");
  EXPECT_EQ(t.variables()[0], Var({"name"}, 1, 3));

  HttpTemplate s = MustParse("/v1/{name}:get");
  EXPECT_EQ(s.verb(), "get");
  EXPECT_EQ(s.variables()[0], Var({"name"}, 1, 2));

  HttpTemplate m = MustParse("/v1/{name=**}:watch");
  EXPECT_EQ(m.verb(), "watch");
  EXPECT_EQ(m.variables()[0], Var({"name"}, 1, 2, true));

  EXPECT_EQ(MustParse("/a/**:x").verb(), "x");
  EXPECT_EQ(MustParse("/a/*:x").verb(), "x");
}

TEST(HttpTemplateTest, MultipleVariables) {
  HttpTemplate t = MustParse("/v1/{a}/x/{b.c=y/*}/{d=**}");
  ASSERT_EQ(t.variables().size(), 3u);
  EXPECT_EQ(t.variables()[0], Var({"a"}, 1, 2));
  EXPECT_EQ(t.variables()[1], Var({"b", "c"}, 3, 5));
  EXPECT_EQ(t.variables()[2], Var({"d"}, 5, 6, true));
}

// What grpc-gateway v2 and Envoy accept beyond http.proto's grammar: one
// "**" followed by a fixed tail, alone or inside a variable, and the root.
TEST(HttpTemplateTest, MultiWildcardFollowedByATail) {
  HttpTemplate a = MustParse("/a/**/x");
  EXPECT_EQ(a.segments(), (Segments{"a", "**", "x"}));

  HttpTemplate b = MustParse("/{x=**}/a/b:verb");
  EXPECT_EQ(b.segments(), (Segments{"**", "a", "b"}));
  EXPECT_EQ(b.verb(), "verb");
  EXPECT_EQ(b.variables()[0], Var({"x"}, 0, 1, true));

  HttpTemplate c = MustParse("/a/{x=b/*/**/y/z}/foo");
  EXPECT_EQ(c.segments(), (Segments{"a", "b", "*", "**", "y", "z", "foo"}));
  EXPECT_EQ(c.variables()[0], Var({"x"}, 1, 6, true));

  HttpTemplate d = MustParse("/c/{x=*}/{y=d/**}/e:verb");
  EXPECT_EQ(d.segments(), (Segments{"c", "*", "d", "**", "e"}));
  EXPECT_EQ(d.variables()[0], Var({"x"}, 1, 2));
  EXPECT_EQ(d.variables()[1], Var({"y"}, 2, 4, true));

  HttpTemplate e = MustParse("/a/**/{id}");
  EXPECT_EQ(e.variables()[0], Var({"id"}, 2, 3));
  EXPECT_FALSE(e.variables()[0].IsMultiSegment());
}

TEST(HttpTemplateTest, RootTemplate) {
  HttpTemplate root = MustParse("/");
  EXPECT_TRUE(root.segments().empty());
  EXPECT_TRUE(root.variables().empty());
  EXPECT_EQ(root.StructuralKey(), "/");
}

TEST(HttpTemplateTest, StructuralKeyIgnoresNames) {
  EXPECT_EQ(MustParse("/a/{x}/{y=**}:v").StructuralKey(), "/a/*/**:v");
  EXPECT_EQ(MustParse("/a/{x}").StructuralKey(),
            MustParse("/a/*").StructuralKey());
}

TEST(HttpTemplateTest, ValueSemantics) {
  HttpTemplate a = MustParse("/a/{b}");
  HttpTemplate copy = a;
  EXPECT_EQ(copy, a);
  EXPECT_NE(a, MustParse("/a/{c}"));
}

TEST(HttpTemplateTest, Rejections) {
  const char* const kBad[] = {
      "",                // empty
      "a/b",             // missing leading '/'
      "//a",             // empty segment
      "/a//b",           // empty segment
      "/a/",             // trailing slash
      "/a/:verb",        // empty segment before verb
      "/a:",             // empty verb
      "/a:b:c",          // ':' in verb
      "/a:b/c",          // verb not at end
      "/:verb",          // the root has no verb
      "/**/a/**",        // more than one **
      "/**/**",          // more than one **
      "/{x=**}/{y=**}",  // more than one **
      "/a/***",          // not a wildcard
      "/a*",             // '*' inside literal
      "/*a",             // '*' inside literal
      "/{a={b}}",        // nested variable
      "/{a=x/{b}}",      // nested variable
      "/{a",             // unbalanced
      "/{a=b",           // unbalanced
      "/a}",             // unbalanced
      "/}",              // unbalanced
      "/{a}}",           // unbalanced
      "/{}",             // empty field path
      "/{1a}",           // bad identifier
      "/{a-b}",          // bad identifier
      "/{a.}",           // bad identifier
      "/{.a}",           // bad identifier
      "/{a..b}",         // bad identifier
      "/{a=}",           // empty variable template
      "/{a=b:c}",        // verb inside variable
      "/{a}/{a}",        // field bound twice
      "/a%",             // truncated escape
      "/a%4",            // truncated escape
      "/a%G1",           // bad escape
      "/a b",            // invalid char
      "/a?b",            // invalid char
      "/a#b",            // invalid char
      "/a{b}",           // variable must be a whole segment
      "/{a}b",           // variable must be a whole segment
  };
  for (const char* bad : kBad) {
    absl::StatusOr<HttpTemplate> t = HttpTemplate::Parse(bad);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  absl::StatusOr<HttpTemplate> nul =
      HttpTemplate::Parse(absl::string_view("/a\0b", 4));
  EXPECT_EQ(nul.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(HttpTemplateTest, ErrorQuotesTemplateAndReason) {
  absl::StatusOr<HttpTemplate> t = HttpTemplate::Parse("/a/{b={c}}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "invalid path template \"/a/{b={c}}\" at offset 6: nested "
            "variable");
  // Control bytes are escaped, not echoed raw.
  t = HttpTemplate::Parse("/a\n");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("\\n"), absl::string_view::npos);
}

TEST(HttpTemplateTest, LengthLimit) {
  std::string ok = "/" + std::string(HttpTemplate::kMaxTemplateBytes - 1, 'a');
  EXPECT_TRUE(HttpTemplate::Parse(ok).ok());
  std::string too_long = ok + "a";
  absl::StatusOr<HttpTemplate> t = HttpTemplate::Parse(too_long);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  // Too long to be worth echoing.
  EXPECT_EQ(t.status().message().find("aaaa"), absl::string_view::npos);
}

TEST(HttpTemplateTest, SegmentLimit) {
  std::string ok;
  for (size_t i = 0; i < HttpTemplate::kMaxSegments; ++i) ok += "/a";
  EXPECT_EQ(MustParse(ok).segments().size(), HttpTemplate::kMaxSegments);
  EXPECT_EQ(HttpTemplate::Parse(ok + "/a").status().code(),
            absl::StatusCode::kInvalidArgument);
  // The implicit "*" of `{x}` counts too.
  EXPECT_EQ(HttpTemplate::Parse(ok + "/{x}").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace gateway
