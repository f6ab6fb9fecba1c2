// The gRPC port's transport limits: the HTTP/2 and connection settings of
// gRPC 1.51 that bound what one client can hold or make the server do.
//
// Contract: Apply() sets channel arguments and a resource quota on a
// builder; it does no I/O. What each bounds, as measured with our own
// hostile client (tests/e2e/grpc_hardening.test.mjs, bench/run-hostile-bench):
// - max_concurrent_streams: advertised in SETTINGS; gRPC 1.51 enforces it
//   only once the client has acknowledged them, and then closes the whole
//   connection of a client that exceeds it.
// - max_metadata_bytes: a header block over it ends the connection.
// - handshake_timeout: the TLS handshake and the client's first SETTINGS.
// - keepalive and ping strikes: dead peers are found; a client pinging more
//   than once per `min_ping_interval` without data gets GOAWAY
//   ENHANCE_YOUR_CALM after `max_ping_strikes`.
// - max_connection_idle, max_connection_age (+ grace): every connection is
//   sent GOAWAY when idle that long or at that age (±10% jitter), and closed
//   `grace` later even with calls open. In 1.51 this is the only bound on a
//   stream that sent headers and never its message: gRPC has no deadline
//   for a stream's first message and runs no code of ours before it.
// A ResourceQuota was measured too and bounded nothing in 1.51 (its
// reservations never fail), so none is set.
//
// EXAMPLE:
//   grpc::ServerBuilder builder;
//   ApplyGrpcLimits(GrpcLimits{}, builder);
#ifndef INTEGRATOR_SERVER_TRANSPORT_GRPC_LIMITS_H_
#define INTEGRATOR_SERVER_TRANSPORT_GRPC_LIMITS_H_

#include <grpcpp/server_builder.h>

#include "absl/time/time.h"

namespace integrator::transport {

struct GrpcLimits {
  int max_concurrent_streams = 100;
  int max_metadata_bytes = 16 * 1024;
  absl::Duration handshake_timeout = absl::Seconds(10);
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration min_ping_interval = absl::Seconds(10);
  int max_ping_strikes = 2;
  absl::Duration max_connection_idle = absl::Minutes(5);
  absl::Duration max_connection_age = absl::Minutes(5);
  absl::Duration max_connection_age_grace = absl::Seconds(30);
};

void ApplyGrpcLimits(const GrpcLimits& limits, grpc::ServerBuilder& builder);

}  // namespace integrator::transport

#endif  // INTEGRATOR_SERVER_TRANSPORT_GRPC_LIMITS_H_
