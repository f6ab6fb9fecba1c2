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
  using Kind = SealedRow::Kind;
  // Webhook secrets by integrator id, a batch at a time after a cursor.
  absl::StatusOr<std::vector<SealedRow>> first =
      rows.RowsNotSealedWith("new", Kind::kWebhookSecret, "", 1);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].kind, Kind::kWebhookSecret);
  EXPECT_EQ((*first)[0].row_id, "itg_a");
  EXPECT_EQ((*first)[0].integrator_id, "itg_a");
  EXPECT_EQ((*first)[0].sealed.version, 2);
  EXPECT_EQ((*first)[0].sealed.key_id, "old");
  absl::StatusOr<std::vector<SealedRow>> next =
      rows.RowsNotSealedWith("new", Kind::kWebhookSecret, "itg_a", 10);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);  // itg_c is under "new" already
  EXPECT_EQ((*next)[0].row_id, "itg_b");
  std::vector<ResealedRow> batch = {Resealed((*first)[0], "new"),
                                    Resealed((*next)[0], "new")};
  ASSERT_EQ(*rows.ReplaceSealing(batch), 2u);

  absl::StatusOr<std::vector<SealedRow>> previous =
      rows.RowsNotSealedWith("new", Kind::kPreviousWebhookSecret, "", 10);
  ASSERT_TRUE(previous.ok());
  ASSERT_EQ(previous->size(), 1u);
  EXPECT_EQ((*previous)[0].row_id, "itg_a");
  EXPECT_EQ((*previous)[0].sealed.version, 1);
  absl::StatusOr<std::vector<SealedRow>> api =
      rows.RowsNotSealedWith("new", Kind::kApiSecret, "", 10);
  ASSERT_TRUE(api.ok());
  ASSERT_EQ(api->size(), 1u);
  EXPECT_EQ((*api)[0].row_id, "int_k1");
  EXPECT_EQ((*api)[0].integrator_id, "itg_b");
  batch = {Resealed((*previous)[0], "new"), Resealed((*api)[0], "new")};
  ASSERT_EQ(*rows.ReplaceSealing(batch), 2u);

  EXPECT_EQ(Rows("old"), 0);
  EXPECT_EQ(Rows("new"), 5);
  for (SealedRow::Kind kind : kSealedRowKinds) {
    EXPECT_TRUE(rows.RowsNotSealedWith("new", kind, "", 10)->empty());
  }
  // No key id is empty: "" lists every row of a kind.
  EXPECT_EQ(rows.RowsNotSealedWith("", Kind::kWebhookSecret, "", 10)->size(),
            3u);
  // What was written is what is read back, version kept.
  absl::StatusOr<SealedSecret> current = store_->GetWebhookSecret("itg_a");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->key_id, "new");
  EXPECT_EQ(current->version, 2);
  EXPECT_EQ(current->ciphertext, "ct-new");
  absl::StatusOr<SigningKeyRecord> signing = store_->FindSigningKey("int_k1");
  ASSERT_TRUE(signing.ok());
  EXPECT_EQ(signing->sealed_secret.key_id, "new");
  EXPECT_EQ(signing->sealed_secret.ciphertext, "ct-new");
}

TEST_P(SealedRowsContractTest, AWriteInBetweenWinsOverTheReSealing) {
  ASSERT_TRUE(Update("itg_a", "old").ok());
  absl::StatusOr<std::vector<SealedRow>> read =
      store_->sealed_rows().RowsNotSealedWith(
          "new", SealedRow::Kind::kWebhookSecret, "", 10);
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
  read = store_->sealed_rows().RowsNotSealedWith(
      "new", SealedRow::Kind::kWebhookSecret, "", 10);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].sealed.version, 2);
  EXPECT_EQ(
      *store_->sealed_rows().ReplaceSealing({Resealed((*read)[0], "new")}), 1u);
}

TEST_P(SealedRowsContractTest, ARowMustKeepItsVersion) {
  ASSERT_TRUE(Update("itg_a", "old").ok());
  absl::StatusOr<std::vector<SealedRow>> read =
      store_->sealed_rows().RowsNotSealedWith(
          "new", SealedRow::Kind::kWebhookSecret, "", 10);
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
