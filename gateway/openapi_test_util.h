// Shared by the OpenAPI tests: a descriptor pool built from a descriptor set
// that the build made with protoc --include_source_info (the proto comments
// the generated pool lacks), read once from `path`.
#ifndef GATEWAY_OPENAPI_TEST_UTIL_H_
#define GATEWAY_OPENAPI_TEST_UTIL_H_

#include <fstream>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "gtest/gtest.h"

namespace gateway::testing {

inline const google::protobuf::DescriptorPool& CommentedPool(const char* path) {
  // Built once per test binary, and kept: documents refer to it.
  static const google::protobuf::DescriptorPool* pool = [path] {
    auto* built = new google::protobuf::DescriptorPool();  // NOLINT: kept
    std::ifstream in(path, std::ios::binary);
    google::protobuf::FileDescriptorSet set;
    EXPECT_TRUE(set.ParseFromIstream(&in)) << path;
    for (const auto& file : set.file()) {
      EXPECT_NE(built->BuildFile(file), nullptr) << file.name();
    }
    return built;
  }();
  return *pool;
}

}  // namespace gateway::testing

#endif  // GATEWAY_OPENAPI_TEST_UTIL_H_
