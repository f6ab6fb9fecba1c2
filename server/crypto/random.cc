#include "server/crypto/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdint>

#include "absl/status/status.h"

namespace integrator::crypto {

absl::StatusOr<std::string> RandomBytes(size_t n) {
  if (n > kMaxRandomBytes) {
    return absl::InvalidArgumentError("too many random bytes requested");
  }
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<uint8_t*>(out.data()),
                          static_cast<int>(n)) != 1) {
    return absl::InternalError("the random number generator failed");
  }
  return out;
}

void Wipe(std::string& buffer) {
  if (!buffer.empty()) OPENSSL_cleanse(buffer.data(), buffer.size());
}

}  // namespace integrator::crypto
