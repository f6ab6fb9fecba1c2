#include "server/sealing/secret_sealer.h"

#include <string>

#include "gtest/gtest.h"

namespace integrator {
namespace {

SecretSealer MakeSealer(char fill) {
  return SecretSealer(MasterKey(std::string(32, fill)));
}

TEST(SecretSealerTest, RoundTripsWithFreshNonces) {
  const SecretSealer sealer = MakeSealer('k');
  absl::StatusOr<SealedSecret> a =
      sealer.Seal(SealPurpose::kWebhookSecret, "itg_1", 1, "whsec_x");
  absl::StatusOr<SealedSecret> b =
      sealer.Seal(SealPurpose::kWebhookSecret, "itg_1", 1, "whsec_x");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->nonce, b->nonce);
  EXPECT_NE(a->ciphertext, b->ciphertext);
  EXPECT_EQ(a->key_id, sealer.key_id());
  EXPECT_EQ(*sealer.Open(SealPurpose::kWebhookSecret, "itg_1", *a), "whsec_x");
}

TEST(SecretSealerTest, CiphertextIsBoundToItsRowPurposeAndVersion) {
  const SecretSealer sealer = MakeSealer('k');
  absl::StatusOr<SealedSecret> row =
      sealer.Seal(SealPurpose::kWebhookSecret, "itg_1", 3, "whsec_x");
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(sealer.Open(SealPurpose::kWebhookSecret, "itg_2", *row).ok());
  EXPECT_FALSE(sealer.Open(SealPurpose::kApiSecret, "itg_1", *row).ok());
  SealedSecret older = *row;
  older.version = 2;
  EXPECT_FALSE(sealer.Open(SealPurpose::kWebhookSecret, "itg_1", older).ok());
}

TEST(SecretSealerTest, AnotherKeyIsRefusedByKeyIdWithoutLeakingTheSecret) {
  absl::StatusOr<SealedSecret> row =
      MakeSealer('k').Seal(SealPurpose::kWebhookSecret, "itg_1", 1, "whsec_x");
  ASSERT_TRUE(row.ok());
  absl::StatusOr<std::string> opened =
      MakeSealer('z').Open(SealPurpose::kWebhookSecret, "itg_1", *row);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(opened.status().message().find("whsec"), std::string::npos);
  // Same key id but altered bytes: authentication fails.
  SealedSecret tampered = *row;
  tampered.ciphertext[0] ^= 1;
  EXPECT_EQ(MakeSealer('k')
                .Open(SealPurpose::kWebhookSecret, "itg_1", tampered)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace integrator
