#include "server/crypto/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdint>
#include <memory>

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
  auto* out_bytes = reinterpret_cast<uint8_t*>(out.data());
  // OpenSSL 3's SHA256() looks the digest up by name on every call (a tenth
  // of the cost is the hash); a context initialised once and copied per call
  // skips the lookup. The prepared context lives until exit and is only
  // ever read; each thread's working context is freed when the thread ends.
  static const EVP_MD_CTX* const prepared = [] {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
      EVP_MD_CTX_free(ctx);
      ctx = nullptr;
    }
    return ctx;
  }();
  struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  thread_local const std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> working(
      EVP_MD_CTX_new());
  EVP_MD_CTX* const ctx = working.get();
  unsigned int size = 0;
  if (prepared == nullptr || ctx == nullptr ||
      EVP_MD_CTX_copy_ex(ctx, prepared) != 1 ||
      EVP_DigestUpdate(ctx, Bytes(data), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out_bytes, &size) != 1 || size != kSha256Bytes) {
    SHA256(Bytes(data), data.size(), out_bytes);
  }
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
