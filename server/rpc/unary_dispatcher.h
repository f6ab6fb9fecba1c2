// The gRPC face of the service core: every method of a core::MethodRegistry
// served over gRPC's completion-queue API, with one queue and one thread per
// core. A call is parsed into the method's generated request type by gRPC,
// handed to the registry on the thread that polled it, and answered from
// whichever thread the core completes on. No per-service adapter code, and
// no callback-API executor hop per call.
//
// Contract:
// - Register() adds one grpc::Service per service of the registry (so
//   reflection and health list them) and a completion queue per worker to
//   the builder; Start() runs the workers once the server is built.
// - Each call gets a request id (`x-request-id` in, and in the initial
//   metadata out), a core::CallContext from its metadata, the core's status
//   with its details as the gRPC status, and one log line (rpc/call_log.h)
//   written when it is answered. Methods must be unary: Register() fails on
//   any other.
// - Stop() is for after grpc::Server::Shutdown(): it waits, without a time
//   limit, until every call the core accepted has answered (a store write
//   cannot be cancelled, and the store must still be open; the store bounds
//   its own writes), then drains the queues and joins the workers.
//   The registry must outlive the dispatcher; Stop() runs on destruction.
//
// EXAMPLE:
//   rpc::UnaryDispatcher dispatcher(&methods, /*workers=*/2);
//   if (absl::Status s = dispatcher.Register(builder); !s.ok()) return s;
//   std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
//   dispatcher.Start();
//   ...
//   server->Shutdown(deadline);
//   dispatcher.Stop();
#ifndef INTEGRATOR_SERVER_RPC_UNARY_DISPATCHER_H_
#define INTEGRATOR_SERVER_RPC_UNARY_DISPATCHER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/core/method_registry.h"

namespace integrator::rpc {

class UnaryDispatcher {
 public:
  // `workers` completion queues, each with its own thread (at least one).
  UnaryDispatcher(const core::MethodRegistry* methods, int workers);
  ~UnaryDispatcher();
  UnaryDispatcher(const UnaryDispatcher&) = delete;
  UnaryDispatcher& operator=(const UnaryDispatcher&) = delete;

  absl::Status Register(grpc::ServerBuilder& builder);
  void Start();
  void Stop();

  // Full names of the services Register() added.
  std::vector<std::string> ServiceNames() const;

 private:
  class RegistryService;
  class Call;

  // Asks gRPC for the next call of `method` on queue `worker`.
  void AwaitCall(size_t service, int method, size_t worker);
  void Serve(size_t worker);

  const core::MethodRegistry* methods_;
  const int workers_;
  std::vector<std::unique_ptr<RegistryService>> services_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> threads_;
  absl::Mutex mu_;
  int calls_in_core_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace integrator::rpc

#endif  // INTEGRATOR_SERVER_RPC_UNARY_DISPATCHER_H_
