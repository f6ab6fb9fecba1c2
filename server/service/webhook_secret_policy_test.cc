#include "server/service/webhook_secret_policy.h"

#include <string>

#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "server/auth/scopes.h"

namespace integrator::service {
namespace {

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

std::string ViolatedField(const absl::Status& status) {
  absl::optional<absl::Cord> payload =
      status.GetPayload("type.googleapis.com/google.rpc.BadRequest");
  if (!payload.has_value()) return "";
  google::rpc::BadRequest bad_request;
  bad_request.ParseFromString(std::string(*payload));
  return bad_request.field_violations(0).field();
}

TEST(CountUtf8CodePointsTest, CountsAndRejects) {
  EXPECT_EQ(CountUtf8CodePoints(""), 0u);
  EXPECT_EQ(CountUtf8CodePoints("abc"), 3u);
  EXPECT_EQ(CountUtf8CodePoints("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), 3u);
  EXPECT_FALSE(CountUtf8CodePoints("\xFF").has_value());
  EXPECT_FALSE(CountUtf8CodePoints("\xC3").has_value());          // truncated
  EXPECT_FALSE(CountUtf8CodePoints("\xC0\xAF").has_value());      // overlong
  EXPECT_FALSE(CountUtf8CodePoints("\xED\xA0\x80").has_value());  // surrogate
  EXPECT_FALSE(CountUtf8CodePoints("\xF4\x90\x80\x80").has_value());
}

TEST(ValidateWebhookSecretTest, BoundsAreInCodePointsNotBytes) {
  EXPECT_TRUE(ValidateWebhookSecret("x").ok());
  EXPECT_TRUE(ValidateWebhookSecret(Repeat("a", 1024)).ok());
  // 1024 two-byte characters are 2048 bytes, and still valid.
  EXPECT_TRUE(ValidateWebhookSecret(Repeat("\xC3\xA9", 1024)).ok());
  for (const std::string& bad :
       {std::string(), Repeat("a", 1025), std::string("\xFF")}) {
    absl::Status s = ValidateWebhookSecret(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ViolatedField(s), "secret");
  }
}

TEST(ValidateWebhookSecretTest, ErrorNeverContainsTheSecret) {
  const std::string secret = Repeat("whsec_leak", 200);
  absl::Status s = ValidateWebhookSecret(secret);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.ToString().find("whsec_leak"), std::string::npos);
}

TEST(ResolveTargetIntegratorTest, IntegratorKeysActOnThemselves) {
  auth::Principal own{"key_1", "itg_a", "", {"write:webhook-secret"}, {}};
  EXPECT_EQ(*ResolveTargetIntegrator(own, ""), "itg_a");
  EXPECT_EQ(*ResolveTargetIntegrator(own, "itg_a"), "itg_a");
  EXPECT_EQ(ResolveTargetIntegrator(own, "itg_b").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(ResolveTargetIntegratorTest, InternalCallersNeedAdminAndAnId) {
  auth::Principal admin{"key_2",
                        "",
                        "billing",
                        {"write:webhook-secret", "admin:integrators"},
                        {}};
  EXPECT_EQ(*ResolveTargetIntegrator(admin, "itg_b"), "itg_b");
  absl::Status missing = ResolveTargetIntegrator(admin, "").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedField(missing), "integrator_id");
  EXPECT_EQ(ResolveTargetIntegrator(admin, "bad id|").status().code(),
            absl::StatusCode::kInvalidArgument);
  auth::Principal plain{"key_3", "", "billing", {"write:webhook-secret"}, {}};
  EXPECT_EQ(ResolveTargetIntegrator(plain, "itg_b").status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace integrator::service
