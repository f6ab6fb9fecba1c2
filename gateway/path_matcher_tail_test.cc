// The path matcher on what grpc-gateway v2 and Envoy accept beyond
// http.proto's grammar: "**" followed by a fixed-length tail, and the root
// template "/".
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/path_matcher.h"

namespace gateway {
namespace {

using Bindings = std::vector<VariableBinding>;

PathMatcher<int> Matcher(const std::vector<std::string>& templates,
                         absl::string_view method = "GET") {
  PathMatcherBuilder<int> builder;
  for (size_t i = 0; i < templates.size(); ++i) {
    EXPECT_TRUE(
        builder.Register(method, templates[i], "", static_cast<int>(i)).ok())
        << templates[i];
  }
  return std::move(builder).Build();
}

// The route index on a match, -1 otherwise.
int Route(const PathMatcher<int>& m, absl::string_view path) {
  absl::StatusOr<LookupResult<int>> r = m.Lookup("GET", path);
  return r.ok() && r->outcome == LookupOutcome::kMatch ? *r->method : -1;
}

Bindings BindingsOf(const PathMatcher<int>& m, absl::string_view path) {
  absl::StatusOr<LookupResult<int>> r = m.Lookup("GET", path);
  EXPECT_TRUE(r.ok() && r->outcome == LookupOutcome::kMatch) << path;
  return r.ok() ? r->bindings : Bindings{};
}

TEST(PathMatcherTailTest, DeepWildcardThenLiteral) {
  PathMatcher<int> m = Matcher({"/a/**/x"});
  EXPECT_EQ(Route(m, "/a/x"), 0);  // "**" takes zero segments
  EXPECT_EQ(Route(m, "/a/b/x"), 0);
  EXPECT_EQ(Route(m, "/a/b/c/d/x"), 0);
  EXPECT_EQ(Route(m, "/a/b/c"), -1);
  EXPECT_EQ(Route(m, "/a/b/x/"), -1);  // a trailing slash is no route
  EXPECT_EQ(Route(m, "/a//b/x"), -1);  // "**" spans no empty segment
  EXPECT_EQ(Route(m, "/b/x"), -1);
}

TEST(PathMatcherTailTest, VariableOfOnlyTheDeepWildcardWithAVerb) {
  PathMatcher<int> m = Matcher({"/{x=**}/a/b:verb"});
  EXPECT_EQ(BindingsOf(m, "/p/q%2Fr/a/b:verb"), (Bindings{{{"x"}, "p/q%2Fr"}}));
  EXPECT_EQ(BindingsOf(m, "/a/b:verb"), (Bindings{{{"x"}, ""}}));
  EXPECT_EQ(Route(m, "/p/a/b"), -1);
  EXPECT_EQ(Route(m, "/p/a/c:verb"), -1);
}

TEST(PathMatcherTailTest, VariableSpanningTheDeepWildcard) {
  PathMatcher<int> m = Matcher({"/a/{x=b/*/**/y/z}/foo"});
  EXPECT_EQ(BindingsOf(m, "/a/b/1/2/3/y/z/foo"),
            (Bindings{{{"x"}, "b/1/2/3/y/z"}}));
  EXPECT_EQ(BindingsOf(m, "/a/b/1/y/z/foo"), (Bindings{{{"x"}, "b/1/y/z"}}));
  EXPECT_EQ(Route(m, "/a/b/y/z/foo"), -1);  // "*" needs a segment
}

TEST(PathMatcherTailTest, VariablesBeforeAndAfterTheDeepWildcard) {
  PathMatcher<int> m = Matcher({"/c/{x=*}/{y=d/**}/e:verb", "/f/**/{id}"});
  EXPECT_EQ(BindingsOf(m, "/c/1/d/2/3/e:verb"),
            (Bindings{{{"x"}, "1"}, {{"y"}, "d/2/3"}}));
  EXPECT_EQ(BindingsOf(m, "/c/1/d/e:verb"),
            (Bindings{{{"x"}, "1"}, {{"y"}, "d"}}));
  // A single-segment variable after "**" decodes %2F like any other.
  EXPECT_EQ(BindingsOf(m, "/f/g/h/i%2Fj"), (Bindings{{{"id"}, "i/j"}}));
  EXPECT_EQ(BindingsOf(m, "/f/k"), (Bindings{{{"id"}, "k"}}));
}

TEST(PathMatcherTailTest, PrecedenceIsLiteralThenWildcardThenDeepWildcard) {
  PathMatcher<int> m = Matcher({
      "/a/**/x",    // 0
      "/a/*/x",     // 1
      "/a/b/x",     // 2
      "/a/**/y/x",  // 3: a longer tail after the same "**"
      "/a/**",      // 4
  });
  EXPECT_EQ(Route(m, "/a/b/x"), 2);
  EXPECT_EQ(Route(m, "/a/c/x"), 1);
  EXPECT_EQ(Route(m, "/a/c/d/x"), 0);
  EXPECT_EQ(Route(m, "/a/c/y/x"), 3);  // the longest tail first
  EXPECT_EQ(Route(m, "/a/c/d"), 4);
  // The order of registration does not change the answers.
  PathMatcher<int> reversed =
      Matcher({"/a/**", "/a/**/y/x", "/a/b/x", "/a/*/x", "/a/**/x"});
  EXPECT_EQ(Route(reversed, "/a/b/x"), 2);
  EXPECT_EQ(Route(reversed, "/a/c/x"), 3);
  EXPECT_EQ(Route(reversed, "/a/c/d/x"), 4);
  EXPECT_EQ(Route(reversed, "/a/c/y/x"), 1);
  EXPECT_EQ(Route(reversed, "/a/c/d"), 0);
}

TEST(PathMatcherTailTest, SameStructureConflicts) {
  PathMatcherBuilder<int> builder;
  ASSERT_TRUE(builder.Register("GET", "/a/{x=**}/b", "", 0).ok());
  EXPECT_EQ(builder.Register("GET", "/a/**/b", "", 1).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(builder.Register("POST", "/a/**/b", "", 2).ok());
}

TEST(PathMatcherTailTest, RootTemplate) {
  PathMatcher<int> m = Matcher({"/", "/a"});
  EXPECT_EQ(Route(m, "/"), 0);
  EXPECT_EQ(Route(m, "/?q=1"), 0);
  EXPECT_EQ(Route(m, "/a"), 1);
  EXPECT_EQ(Route(m, "//"), -1);
  EXPECT_EQ(Route(m, "/b"), -1);
}

TEST(PathMatcherTailTest, LongPathsAreRefusedOrMatchedWithoutRecursion) {
  PathMatcher<int> m = Matcher({"/a/**/x", "/a/{rest=**}"});
  // 64,000 slashes: over the segment limit, refused before any walk.
  EXPECT_EQ(m.Lookup("GET", std::string(64000, '/')).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string deep = "/a";
  for (int i = 0; i < 120; ++i) deep += "/s";
  EXPECT_EQ(Route(m, deep + "/x"), 0);
  EXPECT_EQ(Route(m, deep), 1);
}

}  // namespace
}  // namespace gateway
