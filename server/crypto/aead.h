// AES-256-GCM authenticated encryption with associated data.
//
// Contract: `key` is 32 bytes, `nonce` is 12 bytes and must never repeat under
// one key (callers draw it from RandomBytes). Seal returns ciphertext followed
// by the 16-byte tag. Open returns the plaintext only when the tag verifies
// over both the ciphertext and `aad`; any tampering, a wrong key, or a
// different `aad` yields a PermissionDenied error and no plaintext. Error
// texts never contain key, nonce or data bytes. Thread-safe.
//
// Aes256GcmKey prepares a key once (the cipher looked up, the key schedule
// expanded) for a key that seals many values, such as the master key: each
// operation then starts from a copy of the prepared context, which costs a
// third of preparing it again. The free functions prepare the key per call.
//
// EXAMPLE:
//   absl::StatusOr<std::string> box = Aes256GcmSeal(key, nonce, "hi", "row-7");
//   absl::StatusOr<std::string> pt = Aes256GcmOpen(key, nonce, *box, "row-7");
//   absl::StatusOr<Aes256GcmKey> prepared = Aes256GcmKey::Create(key);
//   box = prepared->Seal(nonce, "hi", "row-7");
#ifndef INTEGRATOR_SERVER_CRYPTO_AEAD_H_
#define INTEGRATOR_SERVER_CRYPTO_AEAD_H_

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace integrator::crypto {

inline constexpr size_t kAes256KeyBytes = 32;
inline constexpr size_t kGcmNonceBytes = 12;
inline constexpr size_t kGcmTagBytes = 16;
// Sealed values here are secrets of a few KiB; a bound keeps int casts safe.
inline constexpr size_t kMaxAeadInputBytes = 1 << 20;

class Aes256GcmKey {
 public:
  static absl::StatusOr<Aes256GcmKey> Create(absl::string_view key);

  absl::StatusOr<std::string> Seal(absl::string_view nonce,
                                   absl::string_view plaintext,
                                   absl::string_view aad) const;
  absl::StatusOr<std::string> Open(absl::string_view nonce,
                                   absl::string_view sealed,
                                   absl::string_view aad) const;

 private:
  struct CipherCtxDeleter {
    void operator()(EVP_CIPHER_CTX* ctx) const;
  };
  using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

  Aes256GcmKey(CipherCtx encrypt, CipherCtx decrypt)
      : encrypt_(std::move(encrypt)), decrypt_(std::move(decrypt)) {}
  // A fresh context for one operation, from the prepared one.
  absl::StatusOr<CipherCtx> Start(const CipherCtx& prepared,
                                  absl::string_view nonce) const;

  // Keyed, without a nonce; only ever read (copied), never used directly.
  CipherCtx encrypt_;
  CipherCtx decrypt_;
};

absl::StatusOr<std::string> Aes256GcmSeal(absl::string_view key,
                                          absl::string_view nonce,
                                          absl::string_view plaintext,
                                          absl::string_view aad);

absl::StatusOr<std::string> Aes256GcmOpen(absl::string_view key,
                                          absl::string_view nonce,
                                          absl::string_view sealed,
                                          absl::string_view aad);

}  // namespace integrator::crypto

#endif  // INTEGRATOR_SERVER_CRYPTO_AEAD_H_
