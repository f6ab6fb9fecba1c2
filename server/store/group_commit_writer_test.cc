#include "server/store/group_commit_writer.h"

#include <filesystem>
#include <string>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace integrator {
namespace {

SqliteDb OpenTestDb(const std::string& path) {
  std::filesystem::remove(path);
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  SqliteDb db(raw);
  EXPECT_TRUE(SqliteExec(db.get(),
                         "PRAGMA journal_mode=WAL;"
                         "CREATE TABLE t (v INTEGER UNIQUE)")
                  .ok());
  return db;
}

absl::Status Insert(SqliteConnection& db, int v) {
  return SqliteExec(db.get(),
                    "INSERT INTO t VALUES (" + std::to_string(v) + ")");
}

TEST(GroupCommitWriterTest, AFailingOperationDoesNotSinkItsBatch) {
  const std::string path = ::testing::TempDir() + "/gcw_fail.db";
  sqlite3* reader = nullptr;
  {
    GroupCommitWriter writer(
        OpenTestDb(path), {.simulated_commit_latency = absl::Milliseconds(30)});
    absl::BlockingCounter done(3);
    absl::Status results[3];
    // The duplicate value violates UNIQUE: only that op fails.
    const int values[3] = {1, 1, 2};
    for (int i = 0; i < 3; ++i) {
      writer.Submit(
          [v = values[i]](SqliteConnection& db) { return Insert(db, v); },
          [&, i](absl::Status s) {
            results[i] = s;
            done.DecrementCount();
          },
          GroupCommitWriter::WriteKind::kGeneral);
    }
    done.Wait();
    EXPECT_TRUE(results[0].ok());
    EXPECT_FALSE(results[1].ok());
    EXPECT_TRUE(results[2].ok());
    EXPECT_EQ(writer.updates(), 0u);
  }
  ASSERT_EQ(sqlite3_open(path.c_str(), &reader), SQLITE_OK);
  SqliteDb db(reader);
  EXPECT_EQ(*SqliteQueryText(db.get(), "SELECT COUNT(*) FROM t"), "2");
}

TEST(GroupCommitWriterTest, ABatchWhoseTransactionEndedEarlyWritesNothing) {
  const std::string path = ::testing::TempDir() + "/gcw_rolled_back.db";
  GroupCommitWriter writer(OpenTestDb(path), {});
  // Holds the writer inside a batch of its own, so that the next three,
  // queued meanwhile, are taken together as the next batch.
  absl::Notification holding;
  absl::Notification release;
  writer.Submit(
      [&](SqliteConnection&) {
        holding.Notify();
        release.WaitForNotification();
        return absl::OkStatus();
      },
      [](absl::Status) {}, GroupCommitWriter::WriteKind::kGeneral);
  holding.WaitForNotification();
  absl::BlockingCounter done(3);
  absl::Status results[3];
  // The middle one ends the transaction, as SQLite does by itself on a full
  // disk or an I/O error.
  GroupCommitWriter::Apply ops[3] = {
      [](SqliteConnection& db) { return Insert(db, 1); },
      [](SqliteConnection& db) {
        (void)db.Exec("ROLLBACK");
        return absl::InternalError("disk I/O error");
      },
      [](SqliteConnection& db) { return Insert(db, 2); }};
  for (int i = 0; i < 3; ++i) {
    writer.Submit(
        std::move(ops[i]),
        [&, i](absl::Status s) {
          results[i] = s;
          done.DecrementCount();
        },
        GroupCommitWriter::WriteKind::kGeneral);
  }
  release.Notify();
  done.Wait();
  for (const absl::Status& s : results)
    EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  // The writer goes on, in a transaction of its own.
  EXPECT_TRUE(
      writer.SubmitAndWait([](SqliteConnection& db) { return Insert(db, 3); })
          .ok());
  writer.Close();
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &reader), SQLITE_OK);
  SqliteDb db(reader);
  EXPECT_EQ(*SqliteQueryText(db.get(), "SELECT group_concat(v) FROM t"), "3");
}

TEST(GroupCommitWriterTest, CloseDrainsTheQueueThenRefuses) {
  const std::string path = ::testing::TempDir() + "/gcw_close.db";
  GroupCommitWriter writer(OpenTestDb(path), {});
  absl::BlockingCounter done(50);
  int ok = 0;
  for (int i = 0; i < 50; ++i) {
    writer.Submit([i](SqliteConnection& db) { return Insert(db, i); },
                  [&](absl::Status s) {
                    ok += s.ok() ? 1 : 0;
                    done.DecrementCount();
                  },
                  GroupCommitWriter::WriteKind::kGeneral);
  }
  writer.Close();
  done.Wait();
  EXPECT_EQ(ok, 50);
  EXPECT_TRUE(absl::IsUnavailable(writer.SubmitAndWait(
      [](SqliteConnection& db) { return Insert(db, 99); })));
}

}  // namespace
}  // namespace integrator
