#include "server/crypto/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdint>

#include "absl/strings/escaping.h"

namespace integrator::crypto {
namespace {

// string_view::data() may be null for an empty view; OpenSSL wants a pointer.
const uint8_t* Bytes(absl::string_view s) {
  static const uint8_t kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const uint8_t*>(s.data());
}

}  // namespace

std::string Sha256(absl::string_view data) {
  std::string out(kSha256Bytes, '\0');
  SHA256(Bytes(data), data.size(), reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

std::string Sha256Hex(absl::string_view data) {
  return absl::BytesToHexString(Sha256(data));
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  std::string out(kSha256Bytes, '\0');
  unsigned int out_len = 0;
  // OpenSSL takes the key length as int; keys here are bounded far below.
  HMAC(EVP_sha256(), Bytes(key), static_cast<int>(key.size()), Bytes(data),
       data.size(), reinterpret_cast<uint8_t*>(out.data()), &out_len);
  out.resize(out_len);
  return out;
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(Bytes(a), Bytes(b), a.size()) == 0;
}

}  // namespace integrator::crypto
