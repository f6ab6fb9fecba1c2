#include "server/auth/request_signature.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/crypto/digest.h"

namespace integrator::auth {
namespace {

std::string Sign(absl::string_view secret, absl::string_view to_sign) {
  return absl::StrCat(
      "sha256=", absl::BytesToHexString(crypto::HmacSha256(secret, to_sign)));
}

TEST(RequestSignatureTest, FollowsTheContractsFormat) {
  // The contract's example shape: {timestamp}.{METHOD}.{path}.{sha256(body)}.
  const std::string body_hash = crypto::Sha256Hex("{\"amount\":100}");
  EXPECT_EQ(
      StringToSign("1234567890000", "POST", "/v1/transactions", body_hash),
      "1234567890000.POST./v1/transactions." + body_hash);
  const std::string header = Sign(
      "sk",
      StringToSign("1234567890000", "POST", "/v1/transactions", body_hash));
  EXPECT_TRUE(VerifyRequestSignature("sk", "1234567890000", "POST",
                                     "/v1/transactions", body_hash, header));
  EXPECT_TRUE(VerifyRequestSignature(
      "sk", "1234567890000", "POST", "/v1/transactions", body_hash,
      absl::AsciiStrToUpper(header).replace(0, 7, "sha256=")));
  EXPECT_FALSE(VerifyRequestSignature("other", "1234567890000", "POST",
                                      "/v1/transactions", body_hash, header));
  EXPECT_FALSE(VerifyRequestSignature("sk", "1234567890001", "POST",
                                      "/v1/transactions", body_hash, header));
  EXPECT_FALSE(VerifyRequestSignature("sk", "1234567890000", "PUT",
                                      "/v1/transactions", body_hash, header));
  EXPECT_FALSE(VerifyRequestSignature("sk", "1234567890000", "POST",
                                      "/v1/transactions?x=1", body_hash,
                                      header));
}

TEST(RequestSignatureTest, EmptyBodyAcceptsBothReadings) {
  const std::string empty_hash = crypto::Sha256Hex("");
  for (absl::string_view signed_hash :
       {absl::string_view(empty_hash), absl::string_view("")}) {
    const std::string header =
        Sign("sk", StringToSign("1", "GET", "/v1/x", signed_hash));
    EXPECT_TRUE(
        VerifyRequestSignature("sk", "1", "GET", "/v1/x", empty_hash, header));
  }
}

TEST(RequestSignatureTest, MalformedHeadersAndTimestamps) {
  EXPECT_FALSE(ParseSignatureHeader("").has_value());
  EXPECT_FALSE(ParseSignatureHeader("sha256=abc").has_value());
  EXPECT_FALSE(ParseSignatureHeader("md5=" + std::string(64, 'a')).has_value());
  EXPECT_FALSE(
      ParseSignatureHeader("sha256=" + std::string(64, 'g')).has_value());
  EXPECT_EQ(*ParseSignatureHeader("sha256=" + std::string(64, 'A')),
            std::string(64, 'a'));

  const absl::Time now = absl::FromUnixMillis(1'700'000'000'000);
  EXPECT_TRUE(FreshTimestampMs("1700000000000", now).has_value());
  EXPECT_TRUE(FreshTimestampMs("1700000299000", now).has_value());
  EXPECT_FALSE(FreshTimestampMs("1700000301000", now).has_value());
  EXPECT_FALSE(FreshTimestampMs("1699999699000", now).has_value());
  for (absl::string_view bad :
       {"", "-1", "+1700000000000", "1.7e12", "17000000000000000000", "abc"}) {
    EXPECT_FALSE(FreshTimestampMs(bad, now).has_value()) << bad;
  }
}

}  // namespace
}  // namespace integrator::auth
