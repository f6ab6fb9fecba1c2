// What the three binaries say about themselves: `--help` lists every flag
// the binary defines (ours, not Abseil's internals), with paths relative
// to the repository instead of the build machine's, and `--version` prints
// the program and the version (proto/rpc/version.h).
//
// Contract: call once in main, before absl::ParseCommandLine. `usage` is the
// first lines of --help.
//
// EXAMPLE:
//   cmd::SetUsage("integrator-admin", "integrator-admin COMMAND [flags]");
//   absl::ParseCommandLine(argc, argv);
#ifndef INTEGRATOR_CMD_USAGE_H_
#define INTEGRATOR_CMD_USAGE_H_

#include "absl/strings/string_view.h"

namespace integrator::cmd {

void SetUsage(absl::string_view program, absl::string_view usage);

// `path` (a flag's file as the compiler saw it) from the repository's
// root: "/home/ci/src/cmd/http_flags.cc" -> "cmd/http_flags.cc"; other
// paths (Abseil's own) are returned unchanged.
absl::string_view RepositoryPath(absl::string_view path);

}  // namespace integrator::cmd

#endif  // INTEGRATOR_CMD_USAGE_H_
