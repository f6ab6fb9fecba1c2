// The public contract's request signature (hmacAuth):
//   X-Signature: sha256=<hex HMAC-SHA256(api secret, string to sign)>
//   string to sign = {timestamp}.{METHOD}.{path with query}.{sha256hex(body)}
//
// Contract: VerifyRequestSignature compares in constant time and accepts the
// hex digest in either case. The contract describes the hash of an empty body
// both as "" and as the hash of the empty string, so both are accepted when
// `body_sha256` is the empty string's hash. Timestamps are Unix milliseconds
// within kSignatureWindow of now.
//
// EXAMPLE:
//   std::optional<int64_t> ts = FreshTimestampMs("1767225600000", absl::Now());
//   bool ok = ts.has_value() &&
//             VerifyRequestSignature(api_secret, "1767225600000", "PUT",
//                                    "/v1/integrator/webhook-secret",
//                                    body_sha256_hex, "sha256=<hex>");
#ifndef INTEGRATOR_SERVER_AUTH_REQUEST_SIGNATURE_H_
#define INTEGRATOR_SERVER_AUTH_REQUEST_SIGNATURE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace integrator::auth {

inline constexpr absl::Duration kSignatureWindow = absl::Seconds(300);

std::string StringToSign(absl::string_view timestamp_ms,
                         absl::string_view method, absl::string_view path,
                         absl::string_view body_sha256_hex);

// The lower-case hex digest of `sha256=<hex>`, or nullopt when malformed.
std::optional<std::string> ParseSignatureHeader(absl::string_view header);

// True when `header` signs this request under `api_secret`.
bool VerifyRequestSignature(absl::string_view api_secret,
                            absl::string_view timestamp_ms,
                            absl::string_view method, absl::string_view path,
                            absl::string_view body_sha256_hex,
                            absl::string_view header);

// The timestamp, when it is a plain decimal within the window of `now`.
std::optional<int64_t> FreshTimestampMs(absl::string_view timestamp_ms,
                                        absl::Time now);

}  // namespace integrator::auth

#endif  // INTEGRATOR_SERVER_AUTH_REQUEST_SIGNATURE_H_
