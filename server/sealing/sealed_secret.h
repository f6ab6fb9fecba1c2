// The at-rest form of a secret: what the store keeps instead of plaintext.
//
// Contract: `ciphertext` is AES-256-GCM output (with tag) under the master key
// named by `key_id`, with a fresh 96-bit `nonce`. The AAD binds purpose, key
// id, the row's identity and `version`, so a ciphertext moved to another row
// or purpose fails to open. It does not stop a rollback: copying an older
// (version, nonce, ciphertext) triple back in whole restores an older
// secret, which only integrity of the database itself can prevent.
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
