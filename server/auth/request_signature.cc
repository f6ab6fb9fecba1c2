#include "server/auth/request_signature.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/crypto/digest.h"

namespace integrator::auth {
namespace {

constexpr absl::string_view kEmptyBodySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

bool Matches(absl::string_view api_secret, absl::string_view to_sign,
             absl::string_view expected_hex) {
  return crypto::ConstantTimeEquals(
      absl::BytesToHexString(crypto::HmacSha256(api_secret, to_sign)),
      expected_hex);
}

}  // namespace

std::string StringToSign(absl::string_view timestamp_ms,
                         absl::string_view method, absl::string_view path,
                         absl::string_view body_sha256_hex) {
  return absl::StrCat(timestamp_ms, ".", method, ".", path, ".",
                      body_sha256_hex);
}

std::optional<std::string> ParseSignatureHeader(absl::string_view header) {
  if (!absl::ConsumePrefix(&header, "sha256=") || header.size() != 64) {
    return std::nullopt;
  }
  for (char c : header) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
  }
  return absl::AsciiStrToLower(header);
}

bool VerifyRequestSignature(absl::string_view api_secret,
                            absl::string_view timestamp_ms,
                            absl::string_view method, absl::string_view path,
                            absl::string_view body_sha256_hex,
                            absl::string_view header) {
  std::optional<std::string> expected = ParseSignatureHeader(header);
  if (!expected.has_value()) return false;
  bool ok = Matches(api_secret,
                    StringToSign(timestamp_ms, method, path, body_sha256_hex),
                    *expected);
  if (body_sha256_hex == kEmptyBodySha256) {
    // Both readings of "empty body"; evaluate both so timing is the same.
    ok |= Matches(api_secret, StringToSign(timestamp_ms, method, path, ""),
                  *expected);
  }
  return ok;
}

std::optional<int64_t> FreshTimestampMs(absl::string_view timestamp_ms,
                                        absl::Time now) {
  int64_t value = 0;
  if (timestamp_ms.empty() || timestamp_ms.size() > 16 ||
      !absl::ascii_isdigit(static_cast<unsigned char>(timestamp_ms[0])) ||
      !absl::SimpleAtoi(timestamp_ms, &value)) {
    return std::nullopt;
  }
  const absl::Time at = absl::FromUnixMillis(value);
  if (at < now - kSignatureWindow || at > now + kSignatureWindow) {
    return std::nullopt;
  }
  return value;
}

}  // namespace integrator::auth
