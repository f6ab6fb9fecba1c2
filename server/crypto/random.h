// Cryptographically secure random bytes, and wiping of secret buffers.
//
// Contract: RandomBytes either returns exactly `n` bytes from the OS-seeded
// CSPRNG or an Internal error; it never returns weak randomness. Wipe
// overwrites a buffer in a way the compiler may not optimise away, so secret
// bytes do not linger in freed memory. Thread-safe.
//
// EXAMPLE:
//   absl::StatusOr<std::string> nonce = RandomBytes(12);
//   std::string secret = ...;
//   Wipe(secret);  // before it goes out of scope
#ifndef INTEGRATOR_SERVER_CRYPTO_RANDOM_H_
#define INTEGRATOR_SERVER_CRYPTO_RANDOM_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace integrator::crypto {

// At most this many bytes per call: every caller needs far fewer.
inline constexpr size_t kMaxRandomBytes = 1024;

absl::StatusOr<std::string> RandomBytes(size_t n);

// Overwrites the bytes of `buffer` with zeros (its size is kept).
void Wipe(std::string& buffer);

}  // namespace integrator::crypto

#endif  // INTEGRATOR_SERVER_CRYPTO_RANDOM_H_
