// The at-rest form of a secret: what the store keeps instead of plaintext.
//
// Contract: `ciphertext` is AES-256-GCM output (with tag) under the master key
// named by `key_id`, with a fresh 96-bit `nonce`. `version` increases by one
// on every update of the same row and is bound into the AAD, so an old
// ciphertext copied back over a newer row fails to open.
//
// EXAMPLE:
//   SealedSecret row{.version = 3, .key_id = "9f2c…", .nonce = n, .ciphertext =
//   c};
#ifndef INTEGRATOR_SERVER_SEALING_SEALED_SECRET_H_
#define INTEGRATOR_SERVER_SEALING_SEALED_SECRET_H_

#include <cstdint>
#include <string>

namespace integrator {

struct SealedSecret {
  int64_t version = 0;
  std::string key_id;
  std::string nonce;
  std::string ciphertext;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_SEALING_SEALED_SECRET_H_
