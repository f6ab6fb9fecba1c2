// The integrator-server process: store, master key, gRPC services, health and
// reflection, assembled from a plain options struct.
//
// Contract:
// - Start() opens the store, resolves the master key (see
//   server/sealing/master_key.h), starts gRPC on `grpc_address` (port 0 picks
//   a free port; grpc_port() tells which), and only then reports SERVING on
//   grpc.health.v1 (once the first readiness probe found the store). Any
//   failure is returned with a message that says why.
// - The gRPC port is accepted by our own acceptor (transport/grpc_acceptor.h:
//   a connection cap, and back-off instead of a dead listener when
//   descriptors run out) under the limits of transport/grpc_limits.h.
// - Shutdown() reports NOT_SERVING, stops accepting calls, lets in-flight
//   calls finish for up to `drain_timeout` (then gRPC cancels them), waits
//   for every store write already under way to end, and only then closes
//   the store. Idempotent.
// - Health and reflection need no credentials; every other RPC does.
//   Reflection (v1 and v1alpha, rpc/reflection_service.h) describes every
//   service; health answers per service name (each API service, and "" for
//   the server): SERVING while the store answers (probed every
//   `readiness_interval`) and no drain has started, NOT_SERVING otherwise,
//   NOT_FOUND for other names.
//
// EXAMPLE:
//   IntegratorServer server(options);
//   if (absl::Status s = server.Start(); !s.ok()) { ...; return 1; }
//   WaitForTerminationSignal();
//   server.Shutdown();
#ifndef INTEGRATOR_SERVER_INTEGRATOR_SERVER_H_
#define INTEGRATOR_SERVER_INTEGRATOR_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/authenticator.h"
#include "server/auth/credential_cache.h"
#include "server/core/call_pipeline.h"
#include "server/core/integrator_core.h"
#include "server/core/method_registry.h"
#include "server/core/webhook_core.h"
#include "server/process/readiness_monitor.h"
#include "server/rpc/reflection_service.h"
#include "server/rpc/unary_dispatcher.h"
#include "server/sealing/secret_sealer.h"
#include "server/store/store.h"
#include "server/transport/grpc_acceptor.h"
#include "server/transport/grpc_limits.h"
#include "server/webhook/delivery_engine.h"

namespace integrator {

struct ServerOptions {
  std::string grpc_address = "127.0.0.1:50051";
  std::string store_uri = "sqlite:data/integrator.db";
  // A key file, or a folder of *.key files: the keyring
  // (sealing/master_keyring.h).
  std::string master_key_file = "data/master.key";
  // The keyring's key that seals new rows; empty: the most recently added.
  std::string active_master_key_id;
  // Also the REST body limit: a gRPC caller cannot bypass it (the gRPC
  // receive limit is the largest method's, and each method checks its own:
  // core/method_registry.h).
  int max_receive_bytes = 64 * 1024;
  absl::Duration drain_timeout = absl::Seconds(10);
  absl::Duration simulated_commit_latency = absl::ZeroDuration();
  // PostgreSQL only: the pool's size and every statement's bound.
  int store_connections = 8;
  absl::Duration store_statement_timeout = absl::Seconds(5);
  // Benchmarks and tests only: at start, create one integrator with a
  // write:webhook-secret key and write that key to this file (mode 0600).
  // The only way to give an in-memory store a credential.
  std::string bootstrap_key_file;
  // PEM certificate chain and key; both set turns on TLS for gRPC.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Open gRPC connections at most (lowered to fit the open-file limit).
  int max_grpc_connections = 10000;
  transport::GrpcLimits grpc_limits;
  // Completion queues, each with a thread, serving the API's calls; 0 means
  // one per core.
  int grpc_workers = 0;
  // How long credentials of a SQLite or PostgreSQL store are served from
  // memory (so a revocation made by integrator-admin or on another replica
  // takes effect within this, well under 5 s).
  absl::Duration credential_ttl = absl::Seconds(2);
  // Webhook targets: http URLs and private addresses are for local tests
  // only (DESIGN.md, "SSRF guard").
  core::WebhookOptions webhooks;
  // The longest overlap a secret rotation may ask for (at most 24 h).
  absl::Duration previous_secret_ttl_cap = absl::Hours(24);
  // Whether this process delivers webhooks, and how (its http and private
  // target settings are those of `webhooks`).
  bool deliver_webhooks = true;
  webhook::DeliveryOptions delivery;
  // How often readiness (gRPC health) probes the store.
  absl::Duration readiness_interval = absl::Seconds(1);
};

class IntegratorServer {
 public:
  explicit IntegratorServer(ServerOptions options);
  ~IntegratorServer();

  absl::Status Start();
  void Shutdown();
  // Reports NOT_SERVING on grpc.health.v1 (the first step of a shutdown).
  void SetNotServing();
  // What /readyz reports, as gRPC health does: OK while the store answers
  // and no drain has begun, Unavailable (saying which) otherwise.
  absl::Status Readiness() const;
  // Reads the master keyring again (SIGHUP: a key was added or retired) and
  // seals and opens with it from now on, if every sealed row's key is in it
  // and so is the key in use now (rows being sealed with it meanwhile).
  // Otherwise keeps the ring in use and returns why. Returns the new ring's
  // active key id.
  absl::StatusOr<std::string> ReloadKeyring();

  int grpc_port() const { return grpc_port_; }
  // Full names of the registered API services, for route compilation.
  std::vector<std::string> ServiceNames() const;
  // The services' RPCs by full method name, without gRPC: for the embedded
  // gateway's direct invoker. Valid after Start().
  const core::MethodRegistry& methods() const { return *methods_; }

 private:
  const ServerOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SecretSealer> sealer_;
  // In front of every store that outlives the process (SQLite, PostgreSQL):
  // other processes write it too, and a bounded cache saves a read per call.
  std::unique_ptr<auth::CredentialCache> credential_cache_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<core::IntegratorCore> core_;
  std::unique_ptr<core::CallPipeline> pipeline_;
  std::unique_ptr<core::WebhookCore> webhook_core_;
  std::unique_ptr<core::MethodRegistry> methods_;
  std::unique_ptr<webhook::DeliveryEngine> delivery_;
  std::unique_ptr<rpc::UnaryDispatcher> dispatcher_;
  // What reflection lists: the API's services, health and reflection.
  std::vector<std::string> listed_services_;
  std::unique_ptr<rpc::ReflectionService> reflection_;
  // Guards readiness_ against Shutdown() resetting it while /readyz asks.
  mutable absl::Mutex readiness_mu_;
  std::unique_ptr<ReadinessMonitor> readiness_ ABSL_GUARDED_BY(readiness_mu_);
  std::atomic<bool> draining_{false};
  std::unique_ptr<transport::GrpcAcceptor> acceptor_;
  std::unique_ptr<grpc::Server> server_;
  int grpc_port_ = 0;
  bool shut_down_ = false;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_INTEGRATOR_SERVER_H_
