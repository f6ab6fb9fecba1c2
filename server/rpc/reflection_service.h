// gRPC server reflection, both grpc.reflection.v1 and grpc.reflection.v1alpha
// (grpcurl 1.9+, grpcui and Postman ask for v1 first; older clients and our
// standalone gateway for v1alpha), over the descriptors the process links.
// Replaces gRPC C++'s reflection plugin, whose replies repeat files on one
// stream and leave out json_name (rpc/reflection_answerer.h has the rules).
//
// Contract: Register() adds both services to a builder; each stream answers
// its requests in order with a ReflectionAnswerer of its own, and ends with
// RESOURCE_EXHAUSTED after kMaxReflectionRequests requests (a client
// learning an API needs a few dozen). Requests are bounded by the server's
// maximum message size. `services` (what list_services answers) must
// outlive the server.
//
// EXAMPLE:
//   ReflectionService reflection(&service_names);
//   reflection.Register(builder);
#ifndef INTEGRATOR_SERVER_RPC_REFLECTION_SERVICE_H_
#define INTEGRATOR_SERVER_RPC_REFLECTION_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

namespace integrator::rpc {

inline constexpr int kMaxReflectionRequests = 10000;

class ReflectionService {
 public:
  explicit ReflectionService(const std::vector<std::string>* services);
  ~ReflectionService();
  ReflectionService(const ReflectionService&) = delete;
  ReflectionService& operator=(const ReflectionService&) = delete;

  void Register(grpc::ServerBuilder& builder);

  // The full names of the two services, for list_services.
  static std::vector<std::string> ServiceNames();

 private:
  class V1;
  class V1Alpha;
  std::unique_ptr<V1> v1_;
  std::unique_ptr<V1Alpha> v1alpha_;
};

}  // namespace integrator::rpc

#endif  // INTEGRATOR_SERVER_RPC_REFLECTION_SERVICE_H_
