#include "server/crypto/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
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

namespace {

// Bumped in a forked child, so that buffers copied from the parent are
// refilled before anything in them is served twice.
std::atomic<uint64_t> fork_generation{0};

struct PublicRandomBuffer {
  uint8_t bytes[kPublicRandomBatch];
  size_t served = kPublicRandomBatch;  // empty until the first refill
  uint64_t generation = 0;
};

}  // namespace

absl::StatusOr<std::string> PublicRandomBytes(size_t n) {
  if (n > kPublicRandomBatch) return RandomBytes(n);
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); });
    return true;
  }();
  (void)registered;
  thread_local PublicRandomBuffer buffer;
  const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
  if (kPublicRandomBatch - buffer.served < n ||
      buffer.generation != generation) {
    if (RAND_bytes(buffer.bytes, static_cast<int>(kPublicRandomBatch)) != 1) {
      return absl::InternalError("the random number generator failed");
    }
    buffer.served = 0;
    buffer.generation = generation;
  }
  std::string out(reinterpret_cast<const char*>(buffer.bytes + buffer.served),
                  n);
  // Served bytes are not kept: the buffer only ever holds unserved ones.
  OPENSSL_cleanse(buffer.bytes + buffer.served, n);
  buffer.served += n;
  return out;
}

void Wipe(std::string& buffer) {
  if (!buffer.empty()) OPENSSL_cleanse(buffer.data(), buffer.size());
}

}  // namespace integrator::crypto
