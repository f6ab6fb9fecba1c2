#include "server/crypto/aead.h"

#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "server/crypto/random.h"

namespace integrator::crypto {
namespace {

const std::string kZeroKey(32, '\0');
const std::string kZeroNonce(12, '\0');

// The GCM specification's test cases 13 and 14 (AES-256, zero key and IV).
TEST(AeadTest, MatchesGcmSpecVectors) {
  absl::StatusOr<std::string> empty =
      Aes256GcmSeal(kZeroKey, kZeroNonce, "", "");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(absl::BytesToHexString(*empty), "530f8afbc74536b9a963b4f1c4cb738b");

  absl::StatusOr<std::string> block =
      Aes256GcmSeal(kZeroKey, kZeroNonce, std::string(16, '\0'), "");
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(absl::BytesToHexString(*block),
            "cea7403d4d606b6e074ec5d3baf39d18"
            "d0d1c8a799996bf0265b98b5d48ab919");
}

TEST(AeadTest, RoundTripsAndBindsAad) {
  const std::string key = *RandomBytes(32);
  const std::string nonce = *RandomBytes(12);
  const std::string secret("whsec_\xC3\xA9\0x", 10);
  absl::StatusOr<std::string> sealed =
      Aes256GcmSeal(key, nonce, secret, "aad-1");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), secret.size() + kGcmTagBytes);
  EXPECT_EQ(sealed->find("whsec_"), std::string::npos);

  absl::StatusOr<std::string> opened =
      Aes256GcmOpen(key, nonce, *sealed, "aad-1");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, secret);

  EXPECT_FALSE(Aes256GcmOpen(key, nonce, *sealed, "aad-2").ok());
  const std::string other_key = *RandomBytes(32);
  EXPECT_FALSE(Aes256GcmOpen(other_key, nonce, *sealed, "aad-1").ok());
  std::string tampered = *sealed;
  tampered[0] ^= 1;
  EXPECT_EQ(Aes256GcmOpen(key, nonce, tampered, "aad-1").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(Aes256GcmOpen(key, nonce, sealed->substr(0, 5), "aad-1").ok());
}

TEST(AeadTest, RejectsBadSizes) {
  EXPECT_FALSE(Aes256GcmSeal("short", kZeroNonce, "x", "").ok());
  EXPECT_FALSE(Aes256GcmSeal(kZeroKey, "short", "x", "").ok());
  EXPECT_FALSE(Aes256GcmOpen(kZeroKey, kZeroNonce, "x", "").ok());
}

// A prepared key gives the same bytes as the per-call functions, keeps its
// nonce per call (the prepared context holds none), and opens only its own.
TEST(AeadTest, PreparedKeyMatchesPerCallAndIsReusable) {
  absl::StatusOr<Aes256GcmKey> prepared = Aes256GcmKey::Create(kZeroKey);
  ASSERT_TRUE(prepared.ok());
  absl::StatusOr<std::string> block =
      prepared->Seal(kZeroNonce, std::string(16, '\0'), "");
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(absl::BytesToHexString(*block),
            "cea7403d4d606b6e074ec5d3baf39d18"
            "d0d1c8a799996bf0265b98b5d48ab919");

  const std::string key = *RandomBytes(32);
  absl::StatusOr<Aes256GcmKey> reused = Aes256GcmKey::Create(key);
  ASSERT_TRUE(reused.ok());
  for (int i = 0; i < 3; ++i) {
    const std::string nonce = *RandomBytes(12);
    absl::StatusOr<std::string> sealed = reused->Seal(nonce, "secret", "row");
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(*sealed, *Aes256GcmSeal(key, nonce, "secret", "row"));
    EXPECT_EQ(*reused->Open(nonce, *sealed, "row"), "secret");
    EXPECT_EQ(*Aes256GcmOpen(key, nonce, *sealed, "row"), "secret");
    EXPECT_EQ(reused->Open(nonce, *sealed, "other row").status().code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_FALSE(prepared->Open(nonce, *sealed, "row").ok());
  }
  EXPECT_FALSE(Aes256GcmKey::Create("short").ok());
  EXPECT_FALSE(reused->Seal("short", "x", "").ok());
}

TEST(RandomTest, PublicBytesAreFreshAcrossRefills) {
  std::set<std::string> seen;
  // Several refills of the per-thread buffer, and one draw beyond its size.
  for (size_t i = 0; i < 3 * kPublicRandomBatch / 12; ++i) {
    absl::StatusOr<std::string> nonce = PublicRandomBytes(12);
    ASSERT_TRUE(nonce.ok());
    ASSERT_EQ(nonce->size(), 12u);
    EXPECT_TRUE(seen.insert(*nonce).second) << "a nonce repeated";
  }
  absl::StatusOr<std::string> large = PublicRandomBytes(kPublicRandomBatch + 1);
  ASSERT_TRUE(large.ok());
  EXPECT_EQ(large->size(), kPublicRandomBatch + 1);
  EXPECT_TRUE(PublicRandomBytes(0).ok());
}

TEST(RandomTest, ReturnsFreshBytesAndWipes) {
  absl::StatusOr<std::string> a = RandomBytes(32);
  absl::StatusOr<std::string> b = RandomBytes(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_FALSE(RandomBytes(kMaxRandomBytes + 1).ok());
  std::string secret = "hunter2";
  Wipe(secret);
  EXPECT_EQ(secret, std::string(7, '\0'));
}

}  // namespace
}  // namespace integrator::crypto
