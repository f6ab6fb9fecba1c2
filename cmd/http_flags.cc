#include "cmd/http_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, http_address, "127.0.0.1:8080",
          "host:port for REST; port 0 picks a free port (it is logged); "
          "empty turns REST off where that is allowed");
ABSL_FLAG(int, http_threads, 0, "HTTP worker threads; 0 means one per core");
ABSL_FLAG(int, max_body_bytes, 64 * 1024,
          "largest request accepted, in bytes (REST bodies, and gRPC messages "
          "where gRPC is served)");
ABSL_FLAG(int, max_connections, 10000, "open HTTP connections at most");
ABSL_FLAG(absl::Duration, header_timeout, absl::Seconds(10),
          "time a client has to send a complete request (and the idle "
          "keep-alive limit)");
ABSL_FLAG(absl::Duration, request_timeout, absl::Seconds(10),
          "deadline of each REST request: its call into the service, or "
          "its gRPC call upstream");

namespace gateway {

HttpServerOptions HttpServerOptionsFromFlags() {
  HttpServerOptions options;
  options.address = absl::GetFlag(FLAGS_http_address);
  options.threads = absl::GetFlag(FLAGS_http_threads);
  options.max_body_bytes =
      static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_max_body_bytes)));
  options.header_timeout = absl::GetFlag(FLAGS_header_timeout);
  options.max_connections = absl::GetFlag(FLAGS_max_connections);
  return options;
}

}  // namespace gateway
