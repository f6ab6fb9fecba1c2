#include "gateway/path_matcher.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace gateway {
namespace {

using Bindings = std::vector<VariableBinding>;
using Strings = std::vector<std::string>;

class PathMatcherTest : public ::testing::Test {
 protected:
  // Payloads are the registration order, so a match names its route.
  void Add(absl::string_view method, absl::string_view tmpl,
           absl::string_view body = "") {
    absl::Status s = builder_.Register(method, tmpl, body, next_++);
    ASSERT_TRUE(s.ok()) << method << " " << tmpl << ": " << s;
  }
  void Build() {
    matcher_ = std::make_unique<PathMatcher<int>>(std::move(builder_).Build());
  }
  LookupResult<int> Lookup(absl::string_view method, absl::string_view path) {
    absl::StatusOr<LookupResult<int>> r = matcher_->Lookup(method, path);
    EXPECT_TRUE(r.ok()) << path << ": " << r.status();
    return r.ok() ? *std::move(r) : LookupResult<int>();
  }
  // Route payload on a match, -1 on 405, -2 on 404.
  int Route(absl::string_view method, absl::string_view path) {
    LookupResult<int> r = Lookup(method, path);
    switch (r.outcome) {
      case LookupOutcome::kMatch:
        return *r.method;
      case LookupOutcome::kMethodNotAllowed:
        return -1;
      case LookupOutcome::kNoRoute:
        return -2;
    }
    return -3;
  }
  absl::StatusCode ErrorCode(absl::string_view path) {
    return matcher_->Lookup("GET", path).status().code();
  }

  PathMatcherBuilder<int> builder_;
  std::unique_ptr<PathMatcher<int>> matcher_;
  int next_ = 0;
};

TEST_F(PathMatcherTest, LiteralsMatchExactly) {
  Add("GET", "/v1/shelves");           // 0
  Add("GET", "/v1/shelves/archived");  // 1
  Build();
  EXPECT_EQ(Route("GET", "/v1/shelves"), 0);
  EXPECT_EQ(Route("GET", "/v1/shelves/archived"), 1);
  EXPECT_EQ(Route("GET", "/v1"), -2);
  EXPECT_EQ(Route("GET", "/v1/shelvesx"), -2);
  EXPECT_EQ(Route("GET", "/V1/shelves"), -2);
  EXPECT_EQ(Route("GET", "/"), -2);
}

TEST_F(PathMatcherTest, LiteralsAreNotDecoded) {
  Add("GET", "/a/b");    // 0
  Add("GET", "/c/%41");  // 1
  Build();
  EXPECT_EQ(Route("GET", "/%61/b"), -2);
  EXPECT_EQ(Route("GET", "/c/%41"), 1);
  EXPECT_EQ(Route("GET", "/c/A"), -2);
  EXPECT_EQ(Route("GET", "/c/%61"), -2);
}

TEST_F(PathMatcherTest, SingleVariable) {
  Add("GET", "/v1/shelves/{shelf}", "*");
  Build();
  LookupResult<int> r = Lookup("GET", "/v1/shelves/42");
  ASSERT_EQ(r.outcome, LookupOutcome::kMatch);
  EXPECT_EQ(*r.method, 0);
  EXPECT_EQ(r.body_field, "*");
  EXPECT_EQ(r.bindings, (Bindings{{{"shelf"}, "42"}}));
  EXPECT_EQ(Route("GET", "/v1/shelves"), -2);
  EXPECT_EQ(Route("GET", "/v1/shelves/42/x"), -2);
}

TEST_F(PathMatcherTest, NestedFieldPathAndMultipleVariables) {
  Add("POST", "/v1/{a.b.c}/x/{d}", "d");
  Build();
  LookupResult<int> r = Lookup("POST", "/v1/p/x/q");
  ASSERT_EQ(r.outcome, LookupOutcome::kMatch);
  EXPECT_EQ(r.bindings, (Bindings{{{"a", "b", "c"}, "p"}, {{"d"}, "q"}}));
  EXPECT_EQ(r.body_field, "d");
}

TEST_F(PathMatcherTest, VariableWithSegments) {
  Add("GET", "/v1/{name=shelves/*/books/*}");
  Build();
  LookupResult<int> r = Lookup("GET", "/v1/shelves/1/books/2");
  ASSERT_EQ(r.outcome, LookupOutcome::kMatch);
  EXPECT_EQ(r.bindings, (Bindings{{{"name"}, "shelves/1/books/2"}}));
  EXPECT_EQ(Route("GET", "/v1/shelves/1/magazines/2"), -2);
}

TEST_F(PathMatcherTest, MultiWildcardVariable) {
  Add("GET", "/v1/{path=**}");             // 0
  Add("GET", "/files/{name=objects/**}");  // 1
  Build();
  EXPECT_EQ(Lookup("GET", "/v1/a/b/c").bindings,
            (Bindings{{{"path"}, "a/b/c"}}));
  EXPECT_EQ(Lookup("GET", "/v1/a").bindings, (Bindings{{{"path"}, "a"}}));
  // "**" matches zero segments.
  EXPECT_EQ(Lookup("GET", "/v1").bindings, (Bindings{{{"path"}, ""}}));
  EXPECT_EQ(Lookup("GET", "/files/objects/x/y").bindings,
            (Bindings{{{"name"}, "objects/x/y"}}));
  EXPECT_EQ(Lookup("GET", "/files/objects").bindings,
            (Bindings{{{"name"}, "objects"}}));
  EXPECT_EQ(Route("GET", "/files/other/x"), -2);
}

TEST_F(PathMatcherTest, UnboundWildcards) {
  Add("GET", "/a/*/b");  // 0
  Add("GET", "/c/**");   // 1
  Add("GET", "/**");     // 2
  Build();
  EXPECT_EQ(Route("GET", "/a/x/b"), 0);
  EXPECT_EQ(Lookup("GET", "/a/x/b").bindings, Bindings{});
  EXPECT_EQ(Route("GET", "/c/x/y/z"), 1);
  EXPECT_EQ(Route("GET", "/zzz"), 2);
  EXPECT_EQ(Route("GET", "/"), 2);
}

TEST_F(PathMatcherTest, Verbs) {
  Add("POST", "/v1/{name=operations/*}:cancel");  // 0
  Add("GET", "/v1/{name=operations/*}");          // 1
  Add("GET", "/v1/{name}:get");                   // 2
  Add("GET", "/v1/{name=**}:watch");              // 3
  Add("POST", "/v1/ops:purge");                   // 4
  Build();
  LookupResult<int> r = Lookup("POST", "/v1/operations/7:cancel");
  ASSERT_EQ(r.outcome, LookupOutcome::kMatch);
  EXPECT_EQ(*r.method, 0);
  EXPECT_EQ(r.bindings, (Bindings{{{"name"}, "operations/7"}}));
  EXPECT_EQ(Lookup("GET", "/v1/x:get").bindings, (Bindings{{{"name"}, "x"}}));
  EXPECT_EQ(Lookup("GET", "/v1/a/b:watch").bindings,
            (Bindings{{{"name"}, "a/b"}}));
  EXPECT_EQ(Route("POST", "/v1/ops:purge"), 4);
  // Only the last ':' of the last segment starts the verb.
  EXPECT_EQ(Lookup("GET", "/v1/a:b:get").bindings,
            (Bindings{{{"name"}, "a:b"}}));
  // An unknown verb falls back to reading the colon as segment text.
  EXPECT_EQ(Lookup("GET", "/v1/operations/7:other").bindings,
            (Bindings{{{"name"}, "operations/7:other"}}));
  // A route for this method without a verb beats a verb route for another.
  EXPECT_EQ(Route("GET", "/v1/operations/7:cancel"), 1);
  EXPECT_EQ(Route("GET", "/v1/ops:purge"), -1);
  EXPECT_EQ(Route("POST", "/v1/ops"), -2);
  EXPECT_EQ(Route("POST", "/v1/ops:"), -2);
  EXPECT_EQ(Route("POST", "/v1/:purge"), -2);
  // A verb needs a template with that verb.
  EXPECT_EQ(Route("GET", "/v1/operations:get"), 2);
}

TEST_F(PathMatcherTest, ColonIsPlainTextWithoutVerbRoutes) {
  Add("GET", "/v1/{name}");
  Build();
  EXPECT_EQ(Lookup("GET", "/v1/a:b").bindings, (Bindings{{{"name"}, "a:b"}}));
}

TEST_F(PathMatcherTest, LiteralBeatsWildcardBeatsMultiWildcard) {
  Add("GET", "/a/**");        // 0
  Add("GET", "/a/*/c");       // 1
  Add("GET", "/a/b/c");       // 2
  Add("GET", "/a/{x}");       // 3
  Add("GET", "/a/b/{y=**}");  // 4
  Build();
  EXPECT_EQ(Route("GET", "/a/b/c"), 2);
  EXPECT_EQ(Route("GET", "/a/z/c"), 1);
  EXPECT_EQ(Route("GET", "/a/z"), 3);
  EXPECT_EQ(Route("GET", "/a/z/d"), 0);
  EXPECT_EQ(Route("GET", "/a"), 0);
  // Backtracks out of the literal branch when it dead-ends.
  EXPECT_EQ(Route("GET", "/a/b/d"), 4);
  EXPECT_EQ(Route("GET", "/a/b"), 4);
}

TEST_F(PathMatcherTest, RouteForMethodBeatsMoreSpecificRouteForOther) {
  Add("GET", "/a/{id}");  // 0
  Add("POST", "/a/b");    // 1
  Build();
  EXPECT_EQ(Route("GET", "/a/b"), 0);
  EXPECT_EQ(Route("POST", "/a/b"), 1);
}

TEST_F(PathMatcherTest, MethodNotAllowedVersusNoRoute) {
  Add("GET", "/v1/books/{id}");     // 0
  Add("DELETE", "/v1/books/{id}");  // 1
  Add("PATCH", "/v1/books/*");      // 2
  Add("POST", "/v1/{p=**}");        // 3
  Build();
  LookupResult<int> r = Lookup("PUT", "/v1/books/1?x=y");
  EXPECT_EQ(r.outcome, LookupOutcome::kMethodNotAllowed);
  EXPECT_EQ(r.method, nullptr);
  EXPECT_EQ(r.allowed_methods, (Strings{"DELETE", "GET", "PATCH", "POST"}));
  EXPECT_EQ(r.query, "x=y");
  r = Lookup("PUT", "/v1/a/b");
  EXPECT_EQ(r.allowed_methods, (Strings{"POST"}));
  EXPECT_EQ(Lookup("GET", "/v2/books/1").outcome, LookupOutcome::kNoRoute);
  EXPECT_TRUE(Lookup("GET", "/v2").allowed_methods.empty());
  // Methods are case-sensitive tokens.
  EXPECT_EQ(Route("get", "/v1/books/1"), -1);
}

TEST_F(PathMatcherTest, TrailingSlashAndEmptySegmentsAreNotRoutes) {
  Add("GET", "/a/b");    // 0
  Add("GET", "/c/{x}");  // 1
  Add("GET", "/d/**");   // 2
  Build();
  EXPECT_EQ(Route("GET", "/a/b/"), -2);
  EXPECT_EQ(Route("GET", "/c/"), -2);
  EXPECT_EQ(Route("GET", "/c//"), -2);
  EXPECT_EQ(Route("GET", "/d/"), -2);
  EXPECT_EQ(Route("GET", "/d/x//y"), -2);
  EXPECT_EQ(Route("GET", "/d/x/"), -2);
  EXPECT_EQ(Route("GET", "//a/b"), -2);
  EXPECT_EQ(Route("GET", "/d"), 2);
}

TEST_F(PathMatcherTest, QueryIsIgnoredAndReturnedRaw) {
  Add("GET", "/a/{x}");
  Build();
  LookupResult<int> r = Lookup("GET", "/a/b?q=%2F+1&r");
  ASSERT_EQ(r.outcome, LookupOutcome::kMatch);
  EXPECT_EQ(r.bindings, (Bindings{{{"x"}, "b"}}));
  EXPECT_EQ(r.query, "q=%2F+1&r");
  EXPECT_EQ(Lookup("GET", "/a/b?").query, "");
  // The query is copied: a temporary path must not leave it dangling.
  absl::StatusOr<LookupResult<int>> t =
      matcher_->Lookup("GET", std::string("/a/b?tmp=") + std::string(40, 'q'));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->query, "tmp=" + std::string(40, 'q'));
  // Bad escapes in the query are the caller's to judge.
  EXPECT_EQ(Route("GET", "/a/b?%zz"), 0);
}

TEST_F(PathMatcherTest, PercentDecodingSingleSegment) {
  Add("GET", "/s/{x}");
  Add("GET", "/l/{x=lit%2Fx}");
  Build();
  EXPECT_EQ(Lookup("GET", "/s/a%2Fb%2fc%20d%3A+").bindings,
            (Bindings{{{"x"}, "a/b/c d:+"}}));
  EXPECT_EQ(Lookup("GET", "/l/lit%2Fx").bindings, (Bindings{{{"x"}, "lit/x"}}));
}

TEST_F(PathMatcherTest, PercentDecodingMultiSegmentKeepsSlash) {
  Add("GET", "/m/{x=**}");
  Add("GET", "/p/{x=a/*}");
  Build();
  EXPECT_EQ(Lookup("GET", "/m/a%2Fb/c%2fd%20e%3F").bindings,
            (Bindings{{{"x"}, "a%2Fb/c%2fd e?"}}));
  // "**" over one segment is still a multi-segment variable.
  EXPECT_EQ(Lookup("GET", "/m/a%2Fb").bindings, (Bindings{{{"x"}, "a%2Fb"}}));
  EXPECT_EQ(Lookup("GET", "/p/a/x%2Fy%25").bindings,
            (Bindings{{{"x"}, "a/x%2Fy%"}}));
}

TEST_F(PathMatcherTest, InvalidEscapesAreErrors) {
  Add("GET", "/a/{x}");
  Add("GET", "/b");
  Build();
  for (const char* path :
       {"/a/%G1", "/a/%4", "/a/%", "/a/x%4g", "/b/%zz", "/nope/%1"}) {
    EXPECT_EQ(ErrorCode(path), absl::StatusCode::kInvalidArgument) << path;
  }
}

TEST_F(PathMatcherTest, MalformedPathsAreErrors) {
  Add("GET", "/a");
  Build();
  EXPECT_EQ(ErrorCode(""), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorCode("a"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorCode("*"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorCode("?/a"), absl::StatusCode::kInvalidArgument);
}

TEST_F(PathMatcherTest, RequestLimits) {
  Add("GET", "/{p=**}");
  Build();
  std::string longest = "/" + std::string(kMaxPathBytes - 1, 'a');
  EXPECT_EQ(Route("GET", longest), 0);
  EXPECT_EQ(ErrorCode(longest + "a"), absl::StatusCode::kInvalidArgument);
  // The query does not count towards the path length.
  EXPECT_EQ(Route("GET", longest + "?" + std::string(100, 'q')), 0);

  std::string most;
  for (size_t i = 0; i < kMaxPathSegments; ++i) most += "/a";
  EXPECT_EQ(Route("GET", most), 0);
  EXPECT_EQ(ErrorCode(most + "/a"), absl::StatusCode::kInvalidArgument);
}

TEST(PathMatcherBuilderTest, ConflictsAreRejected) {
  PathMatcherBuilder<int> b;
  ASSERT_TRUE(b.Register("GET", "/a/{x}", "", 1).ok());
  EXPECT_EQ(b.Register("GET", "/a/{y}", "", 2).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(b.Register("GET", "/a/*", "body", 3).code(),
            absl::StatusCode::kAlreadyExists);
  absl::Status s = b.Register("GET", "/a/{x}", "", 4);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(), "conflicting route: GET /a/* is already registered");
  ASSERT_TRUE(b.Register("GET", "/{p=**}:v", "", 5).ok());
  EXPECT_EQ(b.Register("GET", "/**:v", "", 6).code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(b.Register("GET", "/{x}/{y}", "", 7).ok());
  EXPECT_EQ(b.Register("GET", "/{x=*/*}", "", 8).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(b.Register("GET", "/{x=a}", "", 9).ok(), true);
  EXPECT_EQ(b.Register("GET", "/a", "", 10).code(),
            absl::StatusCode::kAlreadyExists);

  // Not conflicts: other method, other verb, other structure.
  EXPECT_TRUE(b.Register("POST", "/a/{x}", "", 11).ok());
  EXPECT_TRUE(b.Register("GET", "/a/{x}:v", "", 12).ok());
  EXPECT_TRUE(b.Register("GET", "/a/**", "", 13).ok());
  EXPECT_TRUE(b.Register("GET", "/a/b", "", 14).ok());

  // A rejected registration must not shift later payloads.
  PathMatcher<int> m = std::move(b).Build();
  absl::StatusOr<LookupResult<int>> r = m.Lookup("GET", "/a/z");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->method, 1);
  EXPECT_EQ(*m.Lookup("POST", "/a/z")->method, 11);
  EXPECT_EQ(*m.Lookup("GET", "/a/b")->method, 14);
}

TEST(PathMatcherBuilderTest, InvalidInputsAreRejected) {
  PathMatcherBuilder<std::string> b;
  EXPECT_EQ(b.Register("GET", "a/b", "", "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(b.Register("", "/a", "", "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(b.Register("GE T", "/a", "", "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(b.Register("GET\n", "/a", "", "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(b.Register("X-CUSTOM", "/a", "", "custom").ok());
  PathMatcher<std::string> m = std::move(b).Build();
  EXPECT_EQ(*m.Lookup("X-CUSTOM", "/a")->method, "custom");
}

TEST(PathMatcherBuilderTest, EmptyMatcher) {
  PathMatcher<int> m = PathMatcherBuilder<int>().Build();
  absl::StatusOr<LookupResult<int>> r = m.Lookup("GET", "/");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, LookupOutcome::kNoRoute);
}

TEST(PathMatcherBuilderTest, SharedAcrossThreads) {
  PathMatcherBuilder<int> b;
  ASSERT_TRUE(b.Register("GET", "/v1/{name=**}", "", 7).ok());
  auto matcher = std::make_shared<const PathMatcher<int>>(std::move(b).Build());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([matcher] {
      for (int i = 0; i < 200; ++i) {
        auto r = matcher->Lookup("GET", "/v1/a/b");
        if (!r.ok() || r->bindings.size() != 1) ADD_FAILURE();
      }
    });
  }
  for (std::thread& t : threads) t.join();
}

TEST(PercentDecodeTest, Basics) {
  EXPECT_EQ(*PercentDecode("a%20b+c", false), "a b+c");
  EXPECT_EQ(*PercentDecode("%2F%2f", false), "//");
  EXPECT_EQ(*PercentDecode("%2F%2f%41", true), "%2F%2fA");
  EXPECT_EQ(*PercentDecode("%00", false), std::string(1, '\0'));
  EXPECT_EQ(*PercentDecode("%FF", false), "\xff");
  EXPECT_EQ(*PercentDecode("", false), "");
  for (const char* bad : {"%", "%4", "%G1", "%1G", "a%", "%%41"}) {
    EXPECT_EQ(PercentDecode(bad, false).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace gateway
