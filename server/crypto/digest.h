// SHA-256 and HMAC-SHA256 over byte strings, and a constant-time comparison.
//
// Contract: inputs are arbitrary bytes (embedded NULs included); outputs are
// raw 32-byte digests. Only OpenSSL calls that BoringSSL also has are used
// (EVP digests and one-shot HMAC), so this file builds against both (see
// DESIGN.md, "Dependencies").
// Thread-safe: the only state is a prepared SHA-256 context that is never
// written after it is made, and a per-thread working context.
//
// EXAMPLE:
//   std::string mac = HmacSha256("key", "The quick brown fox");
//   std::string hex = absl::BytesToHexString(mac);  // lower-case
//   bool same = ConstantTimeEquals(mac, expected_mac);
#ifndef INTEGRATOR_SERVER_CRYPTO_DIGEST_H_
#define INTEGRATOR_SERVER_CRYPTO_DIGEST_H_

#include <string>

#include "absl/strings/string_view.h"

namespace integrator::crypto {

inline constexpr size_t kSha256Bytes = 32;

// Raw 32-byte SHA-256 of `data`.
std::string Sha256(absl::string_view data);

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(absl::string_view data);

// Raw 32-byte HMAC-SHA256 of `data` under `key` (RFC 2104).
std::string HmacSha256(absl::string_view key, absl::string_view data);

// True when `a` and `b` hold the same bytes. The time taken depends only on
// the lengths, never on where the first difference is.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace integrator::crypto

#endif  // INTEGRATOR_SERVER_CRYPTO_DIGEST_H_
