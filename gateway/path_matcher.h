// Route table mapping (HTTP method, request path) to a registered payload.
//
// Contract:
//  - Two phases, like a compiled Envoy filter config: a single-threaded
//    PathMatcherBuilder collects routes; Build() consumes it and yields an
//    immutable PathMatcher. Lookup() is const, touches no mutable state and
//    is safe to call concurrently from any number of threads; share the
//    matcher as std::shared_ptr<const PathMatcher<M>>.
//  - Method is the caller's payload (typically a pointer to a method
//    descriptor). It is stored by value; results point at the stored copy.
//  - Lookup() accepts any bytes. Templates are matched against the raw path:
//    literals compare byte-for-byte with the still-encoded segments, so
//    "%61" never matches literal "a" (avoids encoded-path confusion); only
//    bound variable values are decoded, following http.proto.
//  - Matching: literal beats "*" beats "**", deciding segment by segment
//    from the left, with backtracking (Envoy's order; grpc-gateway takes the
//    last registered match instead, which depends on registration order).
//    "**" takes zero or more segments between the part before it and its
//    fixed-length tail; where several tails could follow the same "**", the
//    longest is tried first. A route for the requested method always beats
//    a more specific route registered only for other methods. "*" and "**"
//    never match an empty segment, so "/a/b/" and "/a//b" are not routes;
//    the root template "/" matches the path "/" only. A ":verb" suffix is split
//    off the last segment (at its last
//    ':') only while routes with verbs exist; the unsplit reading is tried
//    if the split one finds no route for the method.
//  - `method` and `body_field` in a result point into the PathMatcher and
//    live as long as it does. Everything taken from the request (bindings,
//    query) is copied, so passing a temporary path is safe.
//
// EXAMPLE:
//   using Md = const MethodDescriptor*;
//   PathMatcherBuilder<Md> builder;
//   absl::Status s = builder.Register("GET", "/v1/{name=shelves/*}", "", md);
//   auto matcher =
//       std::make_shared<const PathMatcher<Md>>(std::move(builder).Build());
//   auto r = matcher->Lookup("GET", "/v1/shelves/1?view=full");
//   // r->outcome == LookupOutcome::kMatch, *r->method == md,
//   // r->bindings == {{{"name"}, "shelves/1"}}, r->query == "view=full".

#ifndef GATEWAY_PATH_MATCHER_H_
#define GATEWAY_PATH_MATCHER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/http_template.h"

namespace gateway {

// Decodes %XX escapes. With keep_reserved_slash, "%2F"/"%2f" stay verbatim so
// a multi-segment value keeps its encoded slashes distinct from real ones.
// '+' is left alone (form decoding is the caller's business). Malformed
// escapes ("%G1", a truncated "%4") yield InvalidArgument. The output may
// contain any byte, including NUL and invalid UTF-8.
absl::StatusOr<std::string> PercentDecode(absl::string_view input,
                                          bool keep_reserved_slash);

// Request limits; anything larger is rejected with InvalidArgument.
inline constexpr size_t kMaxPathBytes = 8192;
inline constexpr size_t kMaxPathSegments = 128;

struct VariableBinding {
  std::vector<std::string> field_path;
  std::string value;  // Percent-decoded.

  friend bool operator==(const VariableBinding& a, const VariableBinding& b) {
    return a.field_path == b.field_path && a.value == b.value;
  }
};

enum class LookupOutcome {
  kMatch,             // method, body_field and bindings are set.
  kMethodNotAllowed,  // allowed_methods is set (for 405 + Allow).
  kNoRoute,           // 404.
};

template <typename Method>
struct LookupResult {
  LookupOutcome outcome = LookupOutcome::kNoRoute;
  const Method* method = nullptr;
  absl::string_view body_field;
  std::vector<VariableBinding> bindings;
  std::vector<std::string> allowed_methods;  // Sorted, unique.
  std::string query;                         // Raw, without '?'.
};

namespace internal {

// Untyped core so that the matching logic lives in path_matcher.cc; the
// typed wrappers below only map route indices back to payloads.
class RouteTable {
 public:
  struct Result {
    LookupOutcome outcome = LookupOutcome::kNoRoute;
    size_t route_index = 0;
    absl::string_view body_field;
    std::vector<VariableBinding> bindings;
    std::vector<std::string> allowed_methods;
    std::string query;
  };

  RouteTable();
  ~RouteTable();
  RouteTable(RouteTable&&) noexcept;
  RouteTable& operator=(RouteTable&&) noexcept;
  RouteTable(const RouteTable&) = delete;
  RouteTable& operator=(const RouteTable&) = delete;

  // On success the route gets index size() - 1; on error nothing changes.
  absl::Status Add(absl::string_view http_method,
                   absl::string_view path_template,
                   absl::string_view body_field);
  absl::StatusOr<Result> Lookup(absl::string_view http_method,
                                absl::string_view path) const;
  size_t size() const;

 private:
  struct Node;
  struct Route;
  std::unique_ptr<Node> root_;
  std::vector<Route> routes_;
  bool has_verbs_ = false;
};

}  // namespace internal

template <typename Method>
class PathMatcher {
 public:
  PathMatcher(PathMatcher&&) noexcept = default;
  PathMatcher& operator=(PathMatcher&&) noexcept = default;

  // Errors (InvalidArgument): path not starting with '/', longer than
  // kMaxPathBytes or with more than kMaxPathSegments segments, or containing
  // a malformed percent escape. Otherwise one of the three outcomes.
  absl::StatusOr<LookupResult<Method>> Lookup(absl::string_view http_method,
                                              absl::string_view path) const {
    absl::StatusOr<internal::RouteTable::Result> raw =
        table_.Lookup(http_method, path);
    if (!raw.ok()) return raw.status();
    LookupResult<Method> result;
    result.outcome = raw->outcome;
    if (raw->outcome == LookupOutcome::kMatch) {
      result.method = &methods_[raw->route_index];
    }
    result.body_field = raw->body_field;
    result.bindings = std::move(raw->bindings);
    result.allowed_methods = std::move(raw->allowed_methods);
    result.query = std::move(raw->query);
    return result;
  }

 private:
  template <typename>
  friend class PathMatcherBuilder;

  PathMatcher(internal::RouteTable table, std::vector<Method> methods)
      : table_(std::move(table)), methods_(std::move(methods)) {}

  internal::RouteTable table_;
  std::vector<Method> methods_;
};

template <typename Method>
class PathMatcherBuilder {
 public:
  PathMatcherBuilder() = default;

  // http_method is a case-sensitive RFC 9110 token ("GET", "PATCH", ...).
  // body_field is stored verbatim ("", "*" or a field path); validating it
  // against the request message is the caller's job. Returns InvalidArgument
  // for a bad method or template, AlreadyExists when a route with the same
  // method and the same template structure (names ignored) is registered.
  absl::Status Register(absl::string_view http_method,
                        absl::string_view path_template,
                        absl::string_view body_field, Method method) {
    absl::Status status = table_.Add(http_method, path_template, body_field);
    if (status.ok()) methods_.push_back(std::move(method));
    return status;
  }

  // Consumes the builder: routes cannot be added after the table is shared.
  PathMatcher<Method> Build() && {
    return PathMatcher<Method>(std::move(table_), std::move(methods_));
  }

 private:
  internal::RouteTable table_;
  std::vector<Method> methods_;  // Indexed like the table's routes.
};

}  // namespace gateway

#endif  // GATEWAY_PATH_MATCHER_H_
