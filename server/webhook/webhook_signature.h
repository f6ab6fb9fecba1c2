// The `Signature` header of outgoing webhooks, and the verify helper that
// integrators get.
//
// Contract: the signature is the lower-case hex HMAC-SHA256 of the exact raw
// body bytes under the integrator's webhook secret. The signer signs the bytes
// it is given; callers must send exactly those bytes, never a re-serialised
// copy. When no secret is set, no header is sent (the caller's decision: there
// is no "empty secret" signature). Verification compares in constant time and
// accepts only the 64-character lower-case form the signer produces.
//
// EXAMPLE:
//   std::string value = WebhookSignature(secret, body);   // "b034…"
//   request.set("Signature", value);
//   ...
//   bool ok = VerifyWebhookSignature(secret, raw_body, header_value);
#ifndef INTEGRATOR_SERVER_WEBHOOK_WEBHOOK_SIGNATURE_H_
#define INTEGRATOR_SERVER_WEBHOOK_WEBHOOK_SIGNATURE_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace integrator::webhook {

inline constexpr absl::string_view kSignatureHeader = "Signature";

std::string WebhookSignature(absl::string_view secret,
                             absl::string_view raw_body);

bool VerifyWebhookSignature(absl::string_view secret,
                            absl::string_view raw_body,
                            absl::string_view header_value);

// Standard Webhooks (standardwebhooks.com): one `webhook-signature` entry,
// "v1," and the base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under the
// secret's bytes. A receiver's Standard Webhooks library takes the secret
// as "whsec_" + base64(secret bytes).
inline constexpr absl::string_view kStandardIdHeader = "webhook-id";
inline constexpr absl::string_view kStandardTimestampHeader =
    "webhook-timestamp";
inline constexpr absl::string_view kStandardSignatureHeader =
    "webhook-signature";

std::string StandardWebhookSignature(absl::string_view secret,
                                     absl::string_view message_id,
                                     int64_t timestamp_seconds,
                                     absl::string_view raw_body);

}  // namespace integrator::webhook

#endif  // INTEGRATOR_SERVER_WEBHOOK_WEBHOOK_SIGNATURE_H_
