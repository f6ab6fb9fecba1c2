// Shared fixtures of the gateway's unit tests: the route table compiled from
// gateway/testdata/gateway_test.proto.
#ifndef GATEWAY_GATEWAY_TEST_UTIL_H_
#define GATEWAY_GATEWAY_TEST_UTIL_H_

#include <memory>
#include <string>

#include "gateway/route_table.h"
#include "gateway_test.pb.h"
#include "google/protobuf/descriptor.h"

namespace gateway::testing {

inline std::shared_ptr<const RouteTable> TestRoutes() {
  // Linking the generated file registers it in the generated pool.
  (void)gwtest::v1::SetSecretRequest::descriptor();
  static const std::shared_ptr<const RouteTable> routes =
      *RouteTable::Build(*google::protobuf::DescriptorPool::generated_pool(),
                         {std::string("gwtest.v1.ThingService"),
                          std::string("gwtest.v1.ShelfService")});
  return routes;
}

}  // namespace gateway::testing

#endif  // GATEWAY_GATEWAY_TEST_UTIL_H_
