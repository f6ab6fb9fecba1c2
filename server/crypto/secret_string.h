// A string that holds a secret and wipes it whenever it lets go of its
// bytes: on destruction, and when it is moved from.
//
// Contract: move-only. view() is valid while the object lives and is not
// moved from. Wiping is best effort (copies made elsewhere are not tracked);
// it keeps secrets from lingering in freed heap memory on the common paths.
//
// EXAMPLE:
//   SecretString secret(request.secret());
//   sealer.Seal(purpose, id, version, secret.view());
//   // wiped when `secret` goes out of scope, sealed or not
#ifndef INTEGRATOR_SERVER_CRYPTO_SECRET_STRING_H_
#define INTEGRATOR_SERVER_CRYPTO_SECRET_STRING_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "server/crypto/random.h"

namespace integrator::crypto {

class SecretString {
 public:
  explicit SecretString(absl::string_view value) : value_(value) {}
  SecretString(SecretString&& other) noexcept { TakeFrom(other); }
  SecretString& operator=(SecretString&& other) noexcept {
    if (this != &other) {
      Wipe(value_);
      TakeFrom(other);
    }
    return *this;
  }
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;
  ~SecretString() { Wipe(value_); }

  absl::string_view view() const { return value_; }

 private:
  // Copies rather than moves: a moved short string leaves its bytes behind
  // in the source's inline buffer, where they would escape the wipe.
  void TakeFrom(SecretString& other) {
    value_.assign(other.value_);
    Wipe(other.value_);
    other.value_.clear();
  }

  std::string value_;
};

}  // namespace integrator::crypto

#endif  // INTEGRATOR_SERVER_CRYPTO_SECRET_STRING_H_
