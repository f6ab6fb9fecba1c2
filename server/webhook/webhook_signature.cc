#include "server/webhook/webhook_signature.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/crypto/digest.h"

namespace integrator::webhook {

std::string WebhookSignature(absl::string_view secret,
                             absl::string_view raw_body) {
  return absl::BytesToHexString(crypto::HmacSha256(secret, raw_body));
}

std::string StandardWebhookSignature(absl::string_view secret,
                                     absl::string_view message_id,
                                     int64_t timestamp_seconds,
                                     absl::string_view raw_body) {
  return absl::StrCat(
      "v1,", absl::Base64Escape(crypto::HmacSha256(
                 secret, absl::StrCat(message_id, ".", timestamp_seconds, ".",
                                      raw_body))));
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
