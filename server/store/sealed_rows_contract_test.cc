// The SealedRowStore contract (sealed_row_store.h), run against every store:
// counts by key id, the rows left to re-seal, and conditional replacement
// that never overwrites a newer write.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/store/store_test_backends.h"

namespace integrator {
namespace {

class SealedRowsContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("sealed_rows_" + GetParam().name + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().open(dir_.string());
    ASSERT_NE(store_, nullptr);
    for (const char* id : {"itg_a", "itg_b", "itg_c"}) {
      ASSERT_TRUE(store_->CreateIntegrator({id, id, 1}).ok());
    }
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Sets a secret sealed "under" `key_id` (the store only keeps the bytes).
  absl::Status Update(const std::string& id, const std::string& key_id,
                      int64_t keep_previous_until_ms = 0) {
    absl::Notification done;
    absl::Status result;
    store_->UpdateWebhookSecret(
        id,
        [&](int64_t version) -> absl::StatusOr<SealedSecret> {
          return SealedSecret{version, key_id,
                              std::string(12, static_cast<char>('0' + version)),
                              "ct-" + key_id};
        },
        [&](absl::Status s) {
          result = s;
          done.Notify();
        },
        std::nullopt, keep_previous_until_ms);
    done.WaitForNotification();
    return result;
  }

  int64_t Rows(absl::string_view key_id) {
    absl::StatusOr<std::vector<SealedKeyCount>> counts =
        store_->sealed_rows().SealedKeyCounts();
    EXPECT_TRUE(counts.ok()) << counts.status();
    if (!counts.ok()) return -1;
    for (const SealedKeyCount& count : *counts) {
      if (count.key_id == key_id) return count.rows;
    }
    return 0;
  }

  static ResealedRow Resealed(const SealedRow& row, const std::string& key) {
    return {row, SealedSecret{row.sealed.version, key, std::string(12, 'r'),
                              "ct-" + key}};
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(SealedRowsContractTest, RowsMoveToTheNewKeyInBatchesUntilNoneIsLeft) {
  const int64_t later = absl::ToUnixMillis(absl::Now()) + 3'600'000;
  ASSERT_TRUE(Update("itg_a", "old").ok());
  ASSERT_TRUE(Update("itg_a", "old", later).ok());  // a previous secret too
  ASSERT_TRUE(Update("itg_b", "old").ok());
  ASSERT_TRUE(Update("itg_c", "new").ok());
  ASSERT_TRUE(store_
                  ->CreateSigningKey(
                      {"int_k1", "itg_b", {"write:webhook-secret"}, {}, 1, {}},
                      [](int64_t version) -> absl::StatusOr<SealedSecret> {
                        return SealedSecret{version, "old",
                                            std::string(12, 'k'), "ct-api"};
                      })
                  .ok());
  EXPECT_EQ(Rows("old"), 4);
  EXPECT_EQ(Rows("new"), 1);

  SealedRowStore& rows = store_->sealed_rows();
  absl::StatusOr<std::vector<SealedRow>> first =
      rows.RowsNotSealedWith("new", 2);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u);
  // Stable order: webhook secrets by integrator, then previous ones, then
  // API secrets.
  EXPECT_EQ((*first)[0].kind, SealedRow::Kind::kWebhookSecret);
  EXPECT_EQ((*first)[0].row_id, "itg_a");
  EXPECT_EQ((*first)[0].integrator_id, "itg_a");
  EXPECT_EQ((*first)[0].sealed.version, 2);
  EXPECT_EQ((*first)[1].row_id, "itg_b");
  std::vector<ResealedRow> batch;
  for (const SealedRow& row : *first) batch.push_back(Resealed(row, "new"));
  ASSERT_EQ(*rows.ReplaceSealing(batch), 2u);

  absl::StatusOr<std::vector<SealedRow>> rest =
      rows.RowsNotSealedWith("new", 10);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].kind, SealedRow::Kind::kPreviousWebhookSecret);
  EXPECT_EQ((*rest)[0].sealed.version, 1);
  EXPECT_EQ((*rest)[1].kind, SealedRow::Kind::kApiSecret);
  EXPECT_EQ((*rest)[1].row_id, "int_k1");
  EXPECT_EQ((*rest)[1].integrator_id, "itg_b");
  batch.clear();
  for (const SealedRow& row : *rest) batch.push_back(Resealed(row, "new"));
  ASSERT_EQ(*rows.ReplaceSealing(batch), 2u);

  EXPECT_EQ(Rows("old"), 0);
  EXPECT_EQ(Rows("new"), 5);
  EXPECT_TRUE(rows.RowsNotSealedWith("new", 10)->empty());
  // What was written is what is read back, version kept.
  absl::StatusOr<SealedSecret> current = store_->GetWebhookSecret("itg_a");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->key_id, "new");
  EXPECT_EQ(current->version, 2);
  EXPECT_EQ(current->ciphertext, "ct-new");
  absl::StatusOr<SigningKeyRecord> api = store_->FindSigningKey("int_k1");
  ASSERT_TRUE(api.ok());
  EXPECT_EQ(api->sealed_secret.key_id, "new");
  EXPECT_EQ(api->sealed_secret.ciphertext, "ct-new");
}

TEST_P(SealedRowsContractTest, AWriteInBetweenWinsOverTheReSealing) {
  ASSERT_TRUE(Update("itg_a", "old").ok());
  absl::StatusOr<std::vector<SealedRow>> read =
      store_->sealed_rows().RowsNotSealedWith("new", 10);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  // The integrator sets a new secret (still under the old key: this
  // process's ring had not been told yet) after the rotation read the row.
  ASSERT_TRUE(Update("itg_a", "old").ok());
  EXPECT_EQ(
      *store_->sealed_rows().ReplaceSealing({Resealed((*read)[0], "new")}), 0u);
  absl::StatusOr<SealedSecret> current = store_->GetWebhookSecret("itg_a");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->version, 2);
  EXPECT_EQ(current->key_id, "old");
  // It is simply found again by the next pass.
  read = store_->sealed_rows().RowsNotSealedWith("new", 10);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].sealed.version, 2);
  EXPECT_EQ(
      *store_->sealed_rows().ReplaceSealing({Resealed((*read)[0], "new")}), 1u);
}

TEST_P(SealedRowsContractTest, ARowMustKeepItsVersion) {
  ASSERT_TRUE(Update("itg_a", "old").ok());
  absl::StatusOr<std::vector<SealedRow>> read =
      store_->sealed_rows().RowsNotSealedWith("new", 10);
  ASSERT_TRUE(read.ok());
  ResealedRow bumped = Resealed((*read)[0], "new");
  bumped.resealed.version += 1;
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_->sealed_rows().ReplaceSealing({bumped}).status()));
}

INSTANTIATE_TEST_SUITE_P(AllStores, SealedRowsContractTest,
                         ::testing::ValuesIn(AllStores()), StoreName);

}  // namespace
}  // namespace integrator
