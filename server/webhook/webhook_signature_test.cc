#include "server/webhook/webhook_signature.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace integrator::webhook {
namespace {

TEST(WebhookSignatureTest, IsLowerCaseHexHmacOfRawBody) {
  // RFC 4231 test case 2, as a webhook would carry it.
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignatureTest, SignsNonAsciiAndNulBytesExactly) {
  const std::string body("{\"name\":\"J\xC3\xBCrgen\",\"x\":\"\0\"}", 24);
  const std::string sig = WebhookSignature("whsec_x", body);
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_TRUE(VerifyWebhookSignature("whsec_x", body, sig));
  EXPECT_FALSE(VerifyWebhookSignature("whsec_x", body.substr(0, 23), sig));
}

TEST(WebhookSignatureTest, VerifyRejectsWrongSecretCaseAndLength) {
  const std::string sig = WebhookSignature("s", "{}");
  EXPECT_TRUE(VerifyWebhookSignature("s", "{}", sig));
  EXPECT_FALSE(VerifyWebhookSignature("t", "{}", sig));
  std::string upper = sig;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  if (upper != sig) {
    EXPECT_FALSE(VerifyWebhookSignature("s", "{}", upper));
  }
  EXPECT_FALSE(VerifyWebhookSignature("s", "{}", sig.substr(0, 63)));
  EXPECT_FALSE(VerifyWebhookSignature("s", "{}", ""));
}

TEST(WebhookSignatureTest, StandardWebhooksMatchesTheSpecificationsExample) {
  // The Standard Webhooks example: secret
  // "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" is these bytes.
  std::string key;
  ASSERT_TRUE(absl::Base64Unescape("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &key));
  EXPECT_EQ(StandardWebhookSignature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                     1614265330, "{\"test\": 2432232314}"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

}  // namespace
}  // namespace integrator::webhook
