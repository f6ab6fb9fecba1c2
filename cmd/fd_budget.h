// The process's open-file limit, shared out between the listeners that
// accept connections, so that floods on every listener together never
// exhaust descriptors (the store, logs and gRPC's own needs keep a reserve).
// Only composition roots call these: they alone know how many listeners
// the process runs.
//
// Contract: RaiseOpenFileLimit() lifts the soft limit to the hard one.
// ConnectionShare() is `requested` lowered to (limit - kReservedFds) /
// `listeners` (at least 1), saying so on stderr, naming `flag`, when it
// lowers it. An unlimited or unreadable limit lowers nothing.
//
// EXAMPLE:
//   RaiseOpenFileLimit();
//   http.max_connections = ConnectionShare(requested, 2, "--max_connections");
#ifndef CMD_FD_BUDGET_H_
#define CMD_FD_BUDGET_H_

#include "absl/strings/string_view.h"

namespace integrator::cmd {

// Descriptors kept for the store, logs, refusals and gRPC's internals.
inline constexpr int kReservedFds = 64;

void RaiseOpenFileLimit();

int ConnectionShare(int requested, int listeners, absl::string_view flag);

}  // namespace integrator::cmd

#endif  // CMD_FD_BUDGET_H_
