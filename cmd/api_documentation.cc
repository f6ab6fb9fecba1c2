#include "cmd/api_documentation.h"

#include <iostream>

#include "google/protobuf/descriptor.pb.h"
#include "proto/rpc/embedded_file.h"

#ifndef INTEGRATOR_API_DESCRIPTORS
#error "INTEGRATOR_API_DESCRIPTORS must name the API's descriptor set"
#endif

INTEGRATOR_EMBED_FILE(api_descriptor_set, INTEGRATOR_API_DESCRIPTORS)

namespace integrator::cmd {
namespace {

const google::protobuf::DescriptorPool* Build() {
  google::protobuf::FileDescriptorSet set;
  const absl::string_view bytes = api_descriptor_set();
  if (!set.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    std::cerr << "integrator-server: the built-in API descriptors do not "
                 "parse; /openapi.json has no descriptions\n";
    return nullptr;
  }
  // Never destroyed: the gateway's document refers to it until exit.
  auto* pool = new google::protobuf::DescriptorPool();  // NOLINT: on purpose
  for (const google::protobuf::FileDescriptorProto& file : set.file()) {
    if (pool->BuildFile(file) == nullptr) {
      std::cerr << "integrator-server: the built-in API descriptors do not "
                   "build; /openapi.json has no descriptions\n";
      return nullptr;
    }
  }
  return pool;
}

}  // namespace

const google::protobuf::DescriptorPool* DocumentedApiPool() {
  static const google::protobuf::DescriptorPool* const pool = Build();
  return pool;
}

}  // namespace integrator::cmd
