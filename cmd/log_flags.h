// The request log's format flag, shared by the two binaries that serve
// requests (integrator-server and integrator-gateway). Only a main() may
// call this, once, after parsing flags and before serving.
//
// EXAMPLE:
//   absl::ParseCommandLine(argc, argv);
//   if (absl::Status s = integrator::cmd::ApplyLogFormatFlag(); !s.ok()) ...
#ifndef CMD_LOG_FLAGS_H_
#define CMD_LOG_FLAGS_H_

#include "absl/status/status.h"

namespace integrator::cmd {

// Sets the process's request-log format from --log_format (text or json).
absl::Status ApplyLogFormatFlag();

}  // namespace integrator::cmd

#endif  // CMD_LOG_FLAGS_H_
