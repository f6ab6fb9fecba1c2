// What the SQLite store promises beyond the Store contract: file modes, WAL
// with synchronous=FULL, durability across reopen, group commit, migrations.
#include "server/store/sqlite_store.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "gtest/gtest.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_schema.h"

namespace integrator {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::path(::testing::TempDir()) /
        ("sqlite_store_" +
         std::string(
             ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "sub" / "integrator.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
};

SealFn FakeSeal(std::string ciphertext) {
  return [ciphertext](int64_t version) -> absl::StatusOr<SealedSecret> {
    return SealedSecret{version, "kid", std::string(12, 'n'), ciphertext};
  };
}

TEST_F(SqliteStoreTest, FilesAreOwnerOnlyAndLiveSettingsAreWalFull) {
  auto store = SqliteStore::Open(path_, {});
  ASSERT_TRUE(store.ok()) << store.status();
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir_ / "sub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_TRUE((*store)->CreateIntegrator({"itg_a", "A", 1}).ok());
  ASSERT_EQ(stat((path_ + "-wal").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const StoreStats stats = (*store)->Stats();
  EXPECT_EQ(stats.backend, "sqlite");
  EXPECT_EQ(stats.journal_mode, "wal");
  EXPECT_EQ(stats.synchronous, "full");
}

TEST_F(SqliteStoreTest, AcknowledgedWritesSurviveReopen) {
  {
    auto store = SqliteStore::Open(path_, {});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->CreateIntegrator({"itg_a", "A", 1}).ok());
    absl::BlockingCounter done(1);
    (*store)->UpdateWebhookSecret(
        "itg_a", FakeSeal("sealed-bytes"),
        [&](absl::Status s) {
          EXPECT_TRUE(s.ok());
          done.DecrementCount();
        },
        std::nullopt);
    done.Wait();
  }
  auto reopened = SqliteStore::Open(path_, {});
  ASSERT_TRUE(reopened.ok());
  absl::StatusOr<SealedSecret> sealed = (*reopened)->GetWebhookSecret("itg_a");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->ciphertext, "sealed-bytes");
  EXPECT_EQ(sealed->version, 1);
}

TEST_F(SqliteStoreTest, ConcurrentWritersShareCommits) {
  // A small commit delay makes writers pile up, as a slow disk would.
  auto store = SqliteStore::Open(
      path_, {.simulated_commit_latency = absl::Milliseconds(20)});
  ASSERT_TRUE(store.ok());
  constexpr int kWriters = 16;
  for (int i = 0; i < kWriters; ++i) {
    ASSERT_TRUE(
        (*store)->CreateIntegrator({"itg_" + std::to_string(i), "x", 1}).ok());
  }
  const uint64_t commits_before = (*store)->Stats().commits;
  absl::BlockingCounter done(kWriters * 4);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 4; ++round) {
        (*store)->UpdateWebhookSecret(
            "itg_" + std::to_string(i), FakeSeal("c"),
            [&](absl::Status s) {
              EXPECT_TRUE(s.ok());
              done.DecrementCount();
            },
            std::nullopt);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  done.Wait();
  const StoreStats stats = (*store)->Stats();
  EXPECT_EQ(stats.updates, static_cast<uint64_t>(kWriters * 4));
  EXPECT_LT(stats.commits - commits_before, stats.updates);
}

TEST_F(SqliteStoreTest, RefusesANewerSchema) {
  {
    auto store = SqliteStore::Open(path_, {});
    ASSERT_TRUE(store.ok());
  }
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
    SqliteDb db(raw);
    ASSERT_TRUE(
        SqliteExec(db.get(), "INSERT INTO schema_migrations VALUES (999, 0)")
            .ok());
  }
  auto store = SqliteStore::Open(path_, {});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, ProcessesOpeningANewDatabaseAtOnceMigrateItOnce) {
  // Connections of their own, as two processes would have.
  std::filesystem::create_directories(dir_ / "sub");
  for (int round = 0; round < 5; ++round) {
    const std::string path =
        (dir_ / "sub" / absl::StrCat("race", round, ".db")).string();
    { std::ofstream create(path); }
    constexpr int kOpeners = 4;
    std::vector<absl::Status> results(kOpeners);
    std::vector<std::thread> openers;
    for (int i = 0; i < kOpeners; ++i) {
      openers.emplace_back([&, i] {
        absl::StatusOr<SqliteDb> db = OpenSqliteConnection(path);
        results[i] = db.ok() ? MigrateSqliteSchema(db->get()) : db.status();
      });
    }
    for (std::thread& t : openers) t.join();
    for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
  }
}

}  // namespace
}  // namespace integrator
