// The answers of gRPC server reflection (grpc.reflection.v1, which v1alpha
// mirrors field for field) for one stream, from a descriptor pool: what
// grpcurl, grpcui, Postman and our own standalone gateway ask to learn the
// API. Transport-free: rpc/reflection_service.h carries it over gRPC.
//
// Contract:
// - Each answer echoes `host` and the request. file_by_filename,
//   file_containing_symbol and file_containing_extension answer the file
//   asked for first, then those of its transitive dependencies not yet sent
//   on this stream (grpc-go's rule): a client never receives a file twice
//   except when it asks for that very file again.
// - Every field of every file served carries its json_name, so a client
//   that builds its types from reflection alone names fields as the REST
//   face and proto3's JSON mapping do (gRPC C++'s own service leaves them
//   out, and grpcurl then prints proto names).
// - list_services answers the names given at construction.
//   all_extension_numbers_of_type answers the type's extension numbers.
// - A symbol, file, type or extension the pool does not know is an
//   error_response with NOT_FOUND; a request of no known kind is
//   INVALID_ARGUMENT. Memory is bounded by the pool: a stream remembers at
//   most the names of the files it has sent.
//
// EXAMPLE:
//   ReflectionAnswerer answerer(DescriptorPool::generated_pool(), &names);
//   v1::ServerReflectionRequest request;
//   request.set_file_containing_symbol("google.rpc.ErrorInfo");
//   v1::ServerReflectionResponse response = answerer.Answer(request);
#ifndef INTEGRATOR_SERVER_RPC_REFLECTION_ANSWERER_H_
#define INTEGRATOR_SERVER_RPC_REFLECTION_ANSWERER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "google/protobuf/descriptor.h"
#include "grpc/reflection/v1/reflection.pb.h"

namespace integrator::rpc {

class ReflectionAnswerer {
 public:
  // `pool` and `services` must outlive the answerer.
  ReflectionAnswerer(const google::protobuf::DescriptorPool* pool,
                     const std::vector<std::string>* services)
      : pool_(pool), services_(services) {}

  grpc::reflection::v1::ServerReflectionResponse Answer(
      const grpc::reflection::v1::ServerReflectionRequest& request);

 private:
  // Fills `response` with `file` and its dependencies not yet sent.
  void AddFiles(const google::protobuf::FileDescriptor* file,
                grpc::reflection::v1::ServerReflectionResponse& response);

  const google::protobuf::DescriptorPool* pool_;
  const std::vector<std::string>* services_;
  absl::flat_hash_set<std::string> sent_files_;
};

}  // namespace integrator::rpc

#endif  // INTEGRATOR_SERVER_RPC_REFLECTION_ANSWERER_H_
