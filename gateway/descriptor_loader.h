// Loads the descriptors a standalone gateway serves: from the upstream's
// server reflection, or from a FileDescriptorSet file (`protoc
// --include_imports --descriptor_set_out`).
//
// Contract: the result owns its DescriptorPool (and the database behind it)
// and lists the services to route: every service except the gRPC
// infrastructure ones (grpc.*). Files are fetched with their dependencies;
// at most kMaxDescriptorFiles files and kMaxDescriptorBytes in all are
// accepted, so an upstream cannot make the gateway load without bound. The
// (google.api.http) options are recognised because the gateway links
// google/api/annotations.proto.
//
// EXAMPLE:
//   absl::StatusOr<LoadedDescriptors> loaded =
//       LoadDescriptorsFromReflection(channel, absl::Seconds(10));
//   RouteTable::Build(*loaded->pool, loaded->services);
#ifndef GATEWAY_DESCRIPTOR_LOADER_H_
#define GATEWAY_DESCRIPTOR_LOADER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor_database.h"

namespace gateway {

inline constexpr size_t kMaxDescriptorFiles = 512;
inline constexpr size_t kMaxDescriptorBytes = 16 << 20;

struct LoadedDescriptors {
  std::unique_ptr<google::protobuf::SimpleDescriptorDatabase> database;
  std::unique_ptr<google::protobuf::DescriptorPool> pool;
  std::vector<std::string> services;
};

absl::StatusOr<LoadedDescriptors> LoadDescriptorsFromReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout);

absl::StatusOr<LoadedDescriptors> LoadDescriptorsFromFile(
    absl::string_view path);

}  // namespace gateway

#endif  // GATEWAY_DESCRIPTOR_LOADER_H_
