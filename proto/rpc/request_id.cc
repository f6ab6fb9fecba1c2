#include "proto/rpc/request_id.h"

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace integrator::rpc {

bool IsCanonicalUuid(absl::string_view value) {
  if (value.size() != 36) return false;
  for (size_t i = 0; i < value.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position != (value[i] == '-')) return false;
    if (!dash_position &&
        !absl::ascii_isxdigit(static_cast<unsigned char>(value[i]))) {
      return false;
    }
  }
  return true;
}

std::string NewUuidV4() {
  // Request ids are correlation handles, not secrets: a fast PRNG suffices.
  thread_local absl::BitGen gen;
  std::string bytes(16, '\0');
  for (char& b : bytes) b = static_cast<char>(absl::Uniform<uint8_t>(gen));
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
  const std::string hex = absl::BytesToHexString(bytes);
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-",
                      hex.substr(12, 4), "-", hex.substr(16, 4), "-",
                      hex.substr(20));
}

std::string RequestIdFrom(std::optional<absl::string_view> supplied) {
  if (supplied.has_value() && IsCanonicalUuid(*supplied)) {
    return absl::AsciiStrToLower(*supplied);
  }
  return NewUuidV4();
}

}  // namespace integrator::rpc
