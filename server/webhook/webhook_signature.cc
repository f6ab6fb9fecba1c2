#include "server/webhook/webhook_signature.h"

#include "absl/strings/escaping.h"
#include "server/crypto/digest.h"

namespace integrator::webhook {

std::string WebhookSignature(absl::string_view secret,
                             absl::string_view raw_body) {
  return absl::BytesToHexString(crypto::HmacSha256(secret, raw_body));
}

bool VerifyWebhookSignature(absl::string_view secret,
                            absl::string_view raw_body,
                            absl::string_view header_value) {
  // Compare the hex forms: both have a fixed length, so the comparison time
  // reveals nothing about which character differs.
  return crypto::ConstantTimeEquals(WebhookSignature(secret, raw_body),
                                    header_value);
}

}  // namespace integrator::webhook
