// What only a shared store must do: several server replicas on one
// PostgreSQL database (here two PostgresStore objects, each with its own
// pool), migrations from replicas that start together, and an unreachable
// server. The store contract itself is store_contract_test.cc. Runs when the
// test command started a PostgreSQL server (INTEGRATOR_TEST_POSTGRES_URI).
#include "server/store/postgres_store.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace integrator {
namespace {

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* admin = std::getenv("INTEGRATOR_TEST_POSTGRES_URI");
    if (admin == nullptr || *admin == '\0') {
      GTEST_SKIP() << "no PostgreSQL server: tests/run-all starts one";
    }
    admin_ = admin;
    // Unquoted names fold to lower case; PostgreSQL keeps 63 bytes of one.
    const std::string database = absl::AsciiStrToLower(absl::StrCat(
        "r_", getpid(), "_",
        std::string(
            ::testing::UnitTest::GetInstance()->current_test_info()->name())
            .substr(0, 40)));
    absl::StatusOr<PgConnection> conn = PgConnection::Open(admin_);
    ASSERT_TRUE(conn.ok()) << conn.status();
    ASSERT_TRUE(conn->Run(absl::StrCat("CREATE DATABASE ", database)).ok());
    uri_ = absl::StrCat(admin_.substr(0, admin_.rfind('/') + 1), database);
  }

  std::unique_ptr<PostgresStore> Replica() {
    absl::StatusOr<std::unique_ptr<PostgresStore>> store =
        PostgresStore::Open(uri_, {.size = 2});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static absl::Status Wait(absl::FunctionRef<void(DoneFn)> write) {
    absl::Notification done;
    absl::Status result;
    write([&](absl::Status s) {
      result = s;
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  static SealFn Seal(std::string ciphertext) {
    return [ciphertext](int64_t version) -> absl::StatusOr<SealedSecret> {
      return SealedSecret{version, "kid", std::string(12, 'n'), ciphertext};
    };
  }

  std::string admin_;
  std::string uri_;
};

TEST_F(PostgresStoreTest, ReplicasShareVersionsAndSpentSignatures) {
  std::unique_ptr<PostgresStore> a = Replica();
  std::unique_ptr<PostgresStore> b = Replica();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->CreateIntegrator({"itg_r", "Replicated", 1}).ok());
  ASSERT_TRUE(Wait([&](DoneFn done) {
                a->UpdateWebhookSecret("itg_r", Seal("one"), std::move(done),
                                       std::nullopt);
              }).ok());
  ASSERT_TRUE(Wait([&](DoneFn done) {
                b->UpdateWebhookSecret("itg_r", Seal("two"), std::move(done),
                                       std::nullopt);
              }).ok());
  absl::StatusOr<SealedSecret> latest = a->GetWebhookSecret("itg_r");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->ciphertext, "two");

  const SignatureUse use{"int_k:abc", absl::ToUnixMillis(absl::Now()) + 60000};
  EXPECT_TRUE(Wait([&](DoneFn done) {
                a->RecordSignatureUse(use, std::move(done));
              }).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(
      Wait([&](DoneFn done) { b->RecordSignatureUse(use, std::move(done)); })));
}

// 16 writers over two replicas: every acknowledged write has its own
// version, and the last one is what both read.
TEST_F(PostgresStoreTest,
       ConcurrentWritersFromTwoReplicasGetMonotonicVersions) {
  std::unique_ptr<PostgresStore> a = Replica();
  std::unique_ptr<PostgresStore> b = Replica();
  ASSERT_TRUE(a->CreateIntegrator({"itg_c", "Contended", 1}).ok());
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 16; ++w) {
    writers.emplace_back([&, w] {
      PostgresStore* replica = w % 2 ? a.get() : b.get();
      for (int i = 0; i < 5; ++i) {
        if (Wait([&](DoneFn done) {
              replica->UpdateWebhookSecret("itg_c", Seal("x"), std::move(done),
                                           std::nullopt);
            }).ok()) {
          ++acknowledged;
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(acknowledged.load(), 80);
  EXPECT_EQ(b->GetWebhookSecret("itg_c")->version, 80);
}

// The group-committed path names its integrators in one text[] parameter:
// ids with the array syntax's own characters stay whole, and an unknown id
// in the same batch fails alone.
TEST_F(PostgresStoreTest, BatchedUpdatesKeepOddIdsWholeAndFailAlone) {
  std::unique_ptr<PostgresStore> store = Replica();
  const std::string odd = "itg_\"a,b\\c}{NULL";
  ASSERT_TRUE(store->CreateIntegrator({odd, "Odd", 1}).ok());
  std::vector<absl::Status> results(3);
  absl::Notification all;
  std::atomic<int> left{3};
  const std::string ids[] = {odd, "itg_missing", odd};
  for (int i = 0; i < 3; ++i) {
    store->UpdateWebhookSecret(
        ids[i], Seal(absl::StrCat("c", i)),
        [&, i](absl::Status s) {
          results[i] = s;
          if (--left == 0) all.Notify();
        },
        std::nullopt);
  }
  all.WaitForNotification();
  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_TRUE(absl::IsNotFound(results[1])) << results[1];
  EXPECT_TRUE(results[2].ok()) << results[2];
  absl::StatusOr<SealedSecret> stored = store->GetWebhookSecret(odd);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->version, 2);
  EXPECT_EQ(stored->ciphertext, "c2");
}

TEST_F(PostgresStoreTest, ReplicasStartingTogetherMigrateOnce) {
  std::vector<std::thread> replicas;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back([&] {
      if (PostgresStore::Open(uri_, {.size = 1}).ok()) ++opened;
    });
  }
  for (std::thread& replica : replicas) replica.join();
  EXPECT_EQ(opened.load(), 4);
}

TEST_F(PostgresStoreTest, AnUnreachableServerIsUnavailableFast) {
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(
      "postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2", {});
  EXPECT_TRUE(absl::IsUnavailable(store.status())) << store.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

}  // namespace
}  // namespace integrator
