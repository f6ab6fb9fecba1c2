// The command-line flags of the REST gateway's HTTP side, shared by the two
// binaries that serve it (integrator-server and integrator-gateway), so both
// spell and document them the same way. Only a main() may call these.
//
// EXAMPLE:
//   absl::ParseCommandLine(argc, argv);
//   gateway::HttpServerOptions options = gateway::HttpServerOptionsFromFlags();
#ifndef CMD_HTTP_FLAGS_H_
#define CMD_HTTP_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/time/time.h"
#include "gateway/http_server.h"

ABSL_DECLARE_FLAG(std::string, http_address);
ABSL_DECLARE_FLAG(int, max_body_bytes);
ABSL_DECLARE_FLAG(absl::Duration, request_timeout);

namespace gateway {

HttpServerOptions HttpServerOptionsFromFlags();

}  // namespace gateway

#endif  // CMD_HTTP_FLAGS_H_
