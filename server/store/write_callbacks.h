// The callbacks of the stores' writes, shared by every aggregate.
//
// Contract: a SealFn is called with the row's next version, so the version
// bound into the ciphertext is the one that is stored; a store that seals
// outside its write lock calls it again when another write took that
// version first. A DoneFn is called exactly once, possibly on a store
// thread, after the commit (or the failure).
//
// EXAMPLE:
//   SealFn seal = [&](int64_t version) { return sealer.Seal(..., version, s);
//   }; DoneFn done = [](absl::Status committed) { /* answer the caller */ };
#ifndef INTEGRATOR_SERVER_STORE_WRITE_CALLBACKS_H_
#define INTEGRATOR_SERVER_STORE_WRITE_CALLBACKS_H_

#include <cstdint>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/sealing/sealed_secret.h"

namespace integrator {

using SealFn = absl::AnyInvocable<absl::StatusOr<SealedSecret>(int64_t)>;
using DoneFn = absl::AnyInvocable<void(absl::Status)>;

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_WRITE_CALLBACKS_H_
