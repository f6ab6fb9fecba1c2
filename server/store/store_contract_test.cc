// The Store contract, run against every implementation.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/store/store_test_backends.h"

namespace integrator {
namespace {

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("store_contract_" + GetParam().name + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().open(dir_.string());
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->CreateIntegrator({"itg_a", "Acme", 1}).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  absl::Status Update(const std::string& id, const std::string& ciphertext,
                      std::optional<SignatureUse> signature = std::nullopt,
                      int64_t keep_previous_until_ms = 0) {
    absl::Notification done;
    absl::Status result;
    store_->UpdateWebhookSecret(
        id,
        [&](int64_t version) -> absl::StatusOr<SealedSecret> {
          return SealedSecret{version, "kid", std::string(12, 'n'), ciphertext};
        },
        [&](absl::Status s) {
          result = s;
          done.Notify();
        },
        std::move(signature), keep_previous_until_ms);
    done.WaitForNotification();
    return result;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContractTest, IntegratorsAreCreatedFoundAndListed) {
  EXPECT_EQ(store_->CreateIntegrator({"itg_a", "Dup", 2}).code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->CreateIntegrator({"itg_b", "Bolt", 3}).ok());
  absl::StatusOr<Integrator> found = store_->FindIntegrator("itg_b");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name, "Bolt");
  EXPECT_TRUE(absl::IsNotFound(store_->FindIntegrator("itg_zz").status()));
  absl::StatusOr<std::vector<Integrator>> all = store_->ListIntegrators();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST_P(StoreContractTest, ApiKeysAreFoundByHashAndRevokedByIdOrPrefix) {
  ApiKeyRecord key{"key_1", "hash1",     "sk_live_AAAA",
                   "itg_a", "",          {"write:webhook-secret"},
                   5,       std::nullopt};
  ASSERT_TRUE(store_->CreateApiKey(key).ok());
  ApiKeyRecord service{
      "key_2", "hash2",     "sk_live_BBBB",
      "",      "billing",   {"admin:integrators", "write:webhook-secret"},
      6,       std::nullopt};
  ASSERT_TRUE(store_->CreateApiKey(service).ok());

  absl::StatusOr<ApiKeyRecord> found = store_->FindApiKeyByHash("hash2");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->service_name, "billing");
  EXPECT_TRUE(found->integrator_id.empty());
  EXPECT_EQ(found->scopes.size(), 2u);
  EXPECT_FALSE(found->revoked_at_ms.has_value());
  EXPECT_TRUE(absl::IsNotFound(store_->FindApiKeyByHash("nope").status()));

  ASSERT_TRUE(store_->RevokeApiKey("sk_live_AAAA").ok());
  EXPECT_TRUE(store_->FindApiKeyByHash("hash1")->revoked_at_ms.has_value());
  EXPECT_TRUE(store_->RevokeApiKey("key_2").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->RevokeApiKey("key_9").status()));
}

TEST_P(StoreContractTest, WebhookSecretVersionsIncreaseAndUnknownIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(store_->GetWebhookSecret("itg_a").status()));
  ASSERT_TRUE(Update("itg_a", "c1").ok());
  ASSERT_TRUE(Update("itg_a", "c2").ok());
  absl::StatusOr<SealedSecret> sealed = store_->GetWebhookSecret("itg_a");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->version, 2);
  EXPECT_EQ(sealed->ciphertext, "c2");
  EXPECT_EQ(sealed->key_id, "kid");
  EXPECT_TRUE(absl::IsNotFound(Update("itg_missing", "c")));
  absl::StatusOr<std::vector<SealedKeyCount>> counts =
      store_->sealed_rows().SealedKeyCounts();
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].key_id, "kid");
  EXPECT_EQ((*counts)[0].rows, 1);
  EXPECT_EQ(store_->Stats().updates, 2u);
}

TEST_P(StoreContractTest, ASignedUpdateSpendsItsSignatureOnce) {
  const SignatureUse use{"int_1:abcd",
                         absl::ToUnixMillis(absl::Now()) + 60'000};
  ASSERT_TRUE(Update("itg_a", "c1", use).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(Update("itg_a", "c2", use)));
  // The replay changed nothing.
  EXPECT_EQ(store_->GetWebhookSecret("itg_a")->ciphertext, "c1");
  EXPECT_EQ(store_->GetWebhookSecret("itg_a")->version, 1);
  absl::Notification done;
  absl::Status spent;
  store_->RecordSignatureUse(use, [&](absl::Status s) {
    spent = s;
    done.Notify();
  });
  done.WaitForNotification();
  EXPECT_TRUE(absl::IsAlreadyExists(spent));
  // A failed update does not spend its signature.
  const SignatureUse other{"int_1:ef01",
                           absl::ToUnixMillis(absl::Now()) + 60'000};
  EXPECT_TRUE(absl::IsNotFound(Update("itg_missing", "c", other)));
  EXPECT_TRUE(Update("itg_a", "c3", other).ok());
}

TEST_P(StoreContractTest, ASignatureThatExpiredBeforeItsWriteIsRefused) {
  const int64_t now = absl::ToUnixMillis(absl::Now());
  const SignatureUse stale{"int_1:5ta1e", now - 1};
  EXPECT_TRUE(absl::IsAlreadyExists(Update("itg_a", "c1", stale)));
  EXPECT_TRUE(absl::IsNotFound(store_->GetWebhookSecret("itg_a").status()));
}

TEST_P(StoreContractTest, SpentSignaturesOutliveTheirExpiryByTheRetention) {
  // Spent just before it expires, then a replay arrives just after: the
  // replay must meet the stale check, and the original row must not have
  // been pruned in between by another write.
  const int64_t now = absl::ToUnixMillis(absl::Now());
  const SignatureUse soon{"int_1:500n", now + 150};
  ASSERT_TRUE(Update("itg_a", "c1", soon).ok());
  absl::SleepFor(absl::Milliseconds(200));
  const SignatureUse fresh{"int_1:f7e5", now + 60'000};
  ASSERT_TRUE(Update("itg_a", "c2", fresh).ok());  // prunes what it may
  const SignatureUse replay_with_skew{"int_1:500n", now + 60'000};
  EXPECT_TRUE(absl::IsAlreadyExists(Update("itg_a", "c3", replay_with_skew)));
  EXPECT_EQ(store_->GetWebhookSecret("itg_a")->ciphertext, "c2");
}

TEST_P(StoreContractTest, ARotationKeepsThePreviousSecretForItsWindowOnly) {
  ASSERT_TRUE(Update("itg_a", "first").ok());
  // Nothing to keep yet on a first secret; then B replaces A, kept to 1000.
  ASSERT_TRUE(Update("itg_a", "second", std::nullopt, 1000).ok());
  absl::StatusOr<WebhookSecrets> secrets =
      store_->GetWebhookSecrets("itg_a", 500);
  ASSERT_TRUE(secrets.ok()) << secrets.status();
  EXPECT_EQ(secrets->current.ciphertext, "second");
  EXPECT_EQ(secrets->current.version, 2);
  ASSERT_TRUE(secrets->previous.has_value());
  EXPECT_EQ(secrets->previous->ciphertext, "first");
  EXPECT_EQ(secrets->previous->version, 1);
  EXPECT_EQ(secrets->previous_expires_at_ms, 1000);
  // Closed at 1000: no longer offered, then erased.
  EXPECT_FALSE(store_->GetWebhookSecrets("itg_a", 1000)->previous.has_value());
  EXPECT_EQ(*store_->EraseExpiredPreviousSecrets(999), 0);
  EXPECT_EQ(*store_->EraseExpiredPreviousSecrets(1000), 1);
  EXPECT_FALSE(store_->GetWebhookSecrets("itg_a", 0)->previous.has_value());
  // A rotation keeps exactly the secret it replaced; an update without a
  // window erases the previous one at once.
  ASSERT_TRUE(Update("itg_a", "third", std::nullopt, 5000).ok());
  ASSERT_TRUE(Update("itg_a", "fourth", std::nullopt, 6000).ok());
  secrets = store_->GetWebhookSecrets("itg_a", 0);
  EXPECT_EQ(secrets->previous->ciphertext, "third");
  EXPECT_EQ(secrets->previous_expires_at_ms, 6000);
  ASSERT_TRUE(Update("itg_a", "fifth").ok());
  EXPECT_FALSE(store_->GetWebhookSecrets("itg_a", 0)->previous.has_value());
  EXPECT_TRUE(
      absl::IsNotFound(store_->GetWebhookSecrets("itg_zz", 0).status()));
}

TEST_P(StoreContractTest, WritesAfterCloseAreUnavailable) {
  store_->Close();
  EXPECT_TRUE(absl::IsUnavailable(Update("itg_a", "c")));
}

TEST_P(StoreContractTest, TraitsAreConsistent) {
  const StoreTraits traits = store_->traits();
  // Only a store that outlives the process needs, and makes, a key file.
  EXPECT_NE(traits.in_memory, traits.durable);
  EXPECT_FALSE(traits.in_memory && traits.shared_by_replicas);
  EXPECT_FALSE(traits.embedded && traits.shared_by_replicas);
}

TEST_P(StoreContractTest, ReachableUntilClosed) {
  EXPECT_TRUE(store_->CheckReachable().ok());
  store_->Close();
  EXPECT_TRUE(absl::IsUnavailable(store_->CheckReachable()));
}

INSTANTIATE_TEST_SUITE_P(AllStores, StoreContractTest,
                         ::testing::ValuesIn(AllStores()), StoreName);

}  // namespace
}  // namespace integrator
