#include "server/sealing/master_key.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace integrator {
namespace {

class MasterKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::path(::testing::TempDir()) /
        ("master_key_" +
         std::string(
             ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "keys" / "master.key").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(MasterKeyTest, CreatedOwnerOnlyOnceAndReloadedIdentically) {
  absl::StatusOr<MasterKey> created = CreateMasterKeyFile(path_);
  ASSERT_TRUE(created.ok()) << created.status();
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  EXPECT_EQ(created->key_id().size(), 16u);
  // O_EXCL: a second creation never overwrites.
  EXPECT_FALSE(CreateMasterKeyFile(path_).ok());
  absl::StatusOr<MasterKey> loaded = LoadMasterKeyFile(path_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->key_id(), created->key_id());
  EXPECT_EQ(loaded->bytes(), created->bytes());
}

TEST_F(MasterKeyTest, RejectsBadFiles) {
  std::filesystem::create_directories(dir_ / "keys");
  { std::ofstream(path_) << "short"; }
  std::filesystem::permissions(path_, std::filesystem::perms::owner_read |
                                          std::filesystem::perms::owner_write);
  EXPECT_FALSE(LoadMasterKeyFile(path_).ok());
  std::filesystem::remove(path_);
  { std::ofstream(path_) << std::string(32, 'k'); }
  std::filesystem::permissions(path_, std::filesystem::perms::owner_read |
                                          std::filesystem::perms::group_read);
  EXPECT_EQ(LoadMasterKeyFile(path_).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      absl::IsNotFound(LoadMasterKeyFile((dir_ / "none").string()).status()));
}

}  // namespace
}  // namespace integrator
