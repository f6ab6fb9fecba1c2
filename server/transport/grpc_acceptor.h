// Accepts gRPC's TCP connections itself and hands each to a grpc::Server,
// so that running out of descriptors never stops the listener and the
// number of open connections has a cap.
//
// Why: gRPC 1.51's own acceptor (iomgr tcp_server_posix) stops for the
// rest of the process's life after one accept4 EMFILE or ENFILE (fixed
// upstream in 1.57), and it has no connection cap (added in 1.63). Its
// external-connection API takes already-accepted descriptors into the same
// chttp2 listener, TLS handshake and channel arguments included.
//
// Contract:
// - Bind() listens on `address` (host:port, IPv4 or [IPv6]; every address
//   the host resolves to, as gRPC does; port 0 picks a free one, the same
//   for all) before the server is built; AcceptorFor(builder, creds)
//   registers the hand-over with the builder; Start() begins accepting
//   once the server has started; Stop() ends it and closes the listener
//   (call it before the server's Shutdown). Stop() is idempotent.
// - On EMFILE, ENFILE, ENOBUFS or ENOMEM (from accept or poll) the acceptor
//   logs once per episode, waits `backoff`, and tries again, for ever:
//   pending connections wait in the backlog and are served as soon as
//   descriptors are free. The listener is never given up.
// - At most `max_connections` handed-over connections are open at once
//   (counted as in open_connections.h); one over the cap is closed at once,
//   and gRPC clients retry with their backoff. Fit the cap to the process's
//   open-file limit first (cmd/fd_budget.h gives the gRPC port half, the
//   REST face the other half), so connection floods never exhaust
//   descriptors: gRPC 1.51 was seen (UBSan) to use freed memory when a TLS
//   handshake completes while the process is out of them.
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<GrpcAcceptor>> acceptor =
//       GrpcAcceptor::Bind({.address = "127.0.0.1:0"});
//   (*acceptor)->Register(builder, credentials);
//   server = builder.BuildAndStart();
//   (*acceptor)->Start();
//   ... (*acceptor)->port() ...
//   (*acceptor)->Stop(); server->Shutdown();
#ifndef INTEGRATOR_SERVER_TRANSPORT_GRPC_ACCEPTOR_H_
#define INTEGRATOR_SERVER_TRANSPORT_GRPC_ACCEPTOR_H_

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/transport/open_connections.h"

namespace integrator::transport {

struct GrpcAcceptorOptions {
  std::string address = "127.0.0.1:50051";
  int max_connections = 10000;
  absl::Duration backoff = absl::Milliseconds(100);
};

class GrpcAcceptor {
 public:
  static absl::StatusOr<std::unique_ptr<GrpcAcceptor>> Bind(
      const GrpcAcceptorOptions& options);
  ~GrpcAcceptor();
  GrpcAcceptor(const GrpcAcceptor&) = delete;
  GrpcAcceptor& operator=(const GrpcAcceptor&) = delete;

  // Connections are served with `credentials` (TLS or insecure).
  void Register(grpc::ServerBuilder& builder,
                std::shared_ptr<grpc::ServerCredentials> credentials);
  void Start();
  void Stop();

  int port() const { return port_; }
  // Counters since Bind(), for tests and metrics.
  int64_t accepted() const { return accepted_.load(); }
  int64_t refused_over_cap() const { return refused_.load(); }
  int64_t out_of_descriptors() const { return starved_.load(); }
  int max_connections() const { return options_.max_connections; }

 private:
  // Only Bind() makes acceptors.
  struct BindTag {
    explicit BindTag() = default;
  };

 public:
  GrpcAcceptor(BindTag, GrpcAcceptorOptions options,
               std::vector<int> listen_fds, int wake_read, int wake_write,
               int port);

 private:
  void Run();
  // Accepts one connection from `listener` and hands it over (or refuses it
  // over the cap). Returns accept4's errno, or 0.
  int AcceptOne(int listener, OpenConnections& open, absl::Time& next_recount);

  GrpcAcceptorOptions options_;
  std::vector<int> listen_fds_;  // every address `address` resolves to
  int wake_read_;
  int wake_write_;
  int port_;
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> handoff_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> accepted_{0};
  std::atomic<int64_t> refused_{0};
  std::atomic<int64_t> starved_{0};  // accept4 failures for want of fds
};

}  // namespace integrator::transport

#endif  // INTEGRATOR_SERVER_TRANSPORT_GRPC_ACCEPTOR_H_
