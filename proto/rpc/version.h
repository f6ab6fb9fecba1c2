// The version of integrator-api, as its binaries and webhooks report it
// (the User-Agent of every delivery). One place, so they never disagree.
//
// EXAMPLE:
//   absl::StrCat("integrator-api/", kVersion)   // "integrator-api/0.9.0"
#ifndef INTEGRATOR_PROTO_RPC_VERSION_H_
#define INTEGRATOR_PROTO_RPC_VERSION_H_

#include "absl/strings/string_view.h"

namespace integrator {

inline constexpr absl::string_view kVersion = "0.9.0";

}  // namespace integrator

#endif  // INTEGRATOR_PROTO_RPC_VERSION_H_
