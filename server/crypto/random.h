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

// As RandomBytes, from the same generator, but served from a small
// per-thread buffer that is refilled kPublicRandomBatch bytes at a time: the
// generator's per-call cost (a lock and a DRBG step) shows on a path that
// draws a nonce per request. Only for values that are public once used, such
// as nonces: bytes not yet served wait in memory. A forked child never
// serves what its parent's buffer held.
inline constexpr size_t kPublicRandomBatch = 512;
absl::StatusOr<std::string> PublicRandomBytes(size_t n);

// Overwrites the bytes of `buffer` with zeros (its size is kept).
void Wipe(std::string& buffer);

}  // namespace integrator::crypto

#endif  // INTEGRATOR_SERVER_CRYPTO_RANDOM_H_
