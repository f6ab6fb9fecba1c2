// Compiles the google.api.http rules of a set of services into the immutable
// route table that every request thread shares (like Envoy's compiled filter
// config). No route is written by hand: a new annotated RPC is served as soon
// as its service is listed.
//
// Contract:
// - Reads each method's (google.api.http) option and its
//   additional_bindings; methods without one get no route.
// - A rule that cannot be served is skipped, never half-served: a streaming
//   method, a template that does not parse, a path variable that is not a
//   singular scalar field, a `body` or `response_body` that names no
//   top-level field, a template that another rule already took (for the
//   same HTTP method; the first registered keeps it, and the skip names
//   both). Each skip is listed in skipped_rules() with the method and the
//   reason, for the caller to log; every other route is served, so one bad rule
//   of an upstream never takes the rest down. Build fails only when a listed
//   service is not in the pool.
// - Request and response prototypes are made once here, so a request only
//   calls New() on them.
// - routes() lists what is served, in registration order (services as
//   listed, methods as declared, each rule before its additional_bindings),
//   for what must describe the routes without drifting from them (the
//   OpenAPI document, openapi_document.h).
// The DescriptorPool must outlive the table.
//
// EXAMPLE:
//   absl::StatusOr<std::shared_ptr<const RouteTable>> routes =
//       RouteTable::Build(*google::protobuf::DescriptorPool::generated_pool(),
//                         {"pkg.v1.Service"});
//   auto match = (*routes)->matcher().Lookup("PUT", "/v1/things/7");
#ifndef GATEWAY_ROUTE_TABLE_H_
#define GATEWAY_ROUTE_TABLE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "gateway/path_matcher.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"

namespace gateway {

struct RouteMethod {
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string rpc_path;  // "/package.Service/Method"
  std::string http_template;
  std::string body_field;     // "", "*" or a top-level field name
  std::string response_body;  // "" or a top-level field name
  const google::protobuf::Message* request_prototype = nullptr;
  const google::protobuf::Message* response_prototype = nullptr;
};

// One served rule: its HTTP method and what the matcher routes to.
struct Route {
  std::string http_method;  // "GET", "POST", ... or a custom kind
  RouteMethod method;
};

class RouteTable {
 public:
  static absl::StatusOr<std::shared_ptr<const RouteTable>> Build(
      const google::protobuf::DescriptorPool& pool,
      absl::Span<const std::string> service_names);

  const PathMatcher<RouteMethod>& matcher() const { return *matcher_; }
  size_t route_count() const { return route_count_; }
  // Every served route, additional bindings included, in registration order.
  const std::vector<Route>& routes() const { return routes_; }
  // "<method> (<verb> <template>): <why>" for each rule not served.
  const std::vector<std::string>& skipped_rules() const { return skipped_; }

 private:
  // Only Build() makes tables, so every table has a matcher.
  struct BuildTag {
    explicit BuildTag() = default;
  };

 public:
  explicit RouteTable(BuildTag) {}

 private:
  // Owns the prototypes; must outlive the matcher's RouteMethods.
  std::unique_ptr<google::protobuf::DynamicMessageFactory> factory_;
  std::unique_ptr<PathMatcher<RouteMethod>> matcher_;
  size_t route_count_ = 0;
  std::vector<Route> routes_;
  std::vector<std::string> skipped_;
};

}  // namespace gateway

#endif  // GATEWAY_ROUTE_TABLE_H_
