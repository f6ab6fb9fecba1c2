#include "server/sealing/master_keyring.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "server/sealing/secret_sealer.h"

namespace integrator {
namespace {

namespace fs = std::filesystem;

class MasterKeyringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(::testing::TempDir()) /
        ("keyring_" +
         std::string(
             ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "keys");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A key file in the ring folder, modified `age` ago.
  std::string AddKey(const std::string& name, std::chrono::seconds age) {
    const fs::path path = dir_ / "keys" / name;
    absl::StatusOr<MasterKey> key = CreateMasterKeyFile(path.string());
    EXPECT_TRUE(key.ok()) << key.status();
    fs::last_write_time(path, fs::file_time_type::clock::now() - age);
    return key.ok() ? key->key_id() : "";
  }
  KeyringOptions Folder(std::string active = "") {
    return {.path = (dir_ / "keys").string(),
            .active_key_id = active,
            .allow_create = false};
  }
  static KeyringOptions Creating(std::string path, bool create = true) {
    return {
        .path = std::move(path), .active_key_id = "", .allow_create = create};
  }

  fs::path dir_;
};

TEST_F(MasterKeyringTest, AFolderIsARingAndTheNewestKeyIsActive) {
  const std::string old_id = AddKey("a-old.key", std::chrono::hours(48));
  const std::string new_id = AddKey("b-new.key", std::chrono::hours(1));
  { std::ofstream(dir_ / "keys" / "README") << "not a key"; }
  absl::StatusOr<MasterKeyring> ring = LoadMasterKeyring(Folder());
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->keys().size(), 2u);
  EXPECT_EQ(ring->active().key_id(), new_id);
  ASSERT_NE(ring->Find(old_id), nullptr);
  EXPECT_EQ(ring->Find("0000000000000000"), nullptr);
  EXPECT_EQ(ring->files().size(), 2u);

  // --active_master_key_id chooses; an id not in the ring is refused.
  ring = LoadMasterKeyring(Folder(old_id));
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->active().key_id(), old_id);
  ring = LoadMasterKeyring(Folder("0123456789abcdef"));
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(ring.status().message().find("0123456789abcdef"),
            std::string::npos);
}

TEST_F(MasterKeyringTest, TheActiveFileNamesTheActiveKeyAndKeysMayBeSymlinks) {
  const std::string old_id = AddKey("a-old.key", std::chrono::hours(48));
  // A key added to every replica's ring before it is made active.
  const std::string new_id = AddKey("b-new.key", std::chrono::hours(1));
  { std::ofstream(dir_ / "keys" / "active") << old_id << "\n"; }
  absl::StatusOr<MasterKeyring> ring = LoadMasterKeyring(Folder());
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->active().key_id(), old_id);
  { std::ofstream(dir_ / "keys" / "active") << new_id; }
  ring = LoadMasterKeyring(Folder());
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->active().key_id(), new_id);
  { std::ofstream(dir_ / "keys" / "active") << "not a key id of the ring"; }
  EXPECT_FALSE(LoadMasterKeyring(Folder()).ok());
  fs::remove(dir_ / "keys" / "active");

  // As in a Kubernetes Secret volume: the key file is a symlink.
  fs::create_directories(dir_ / "store");
  fs::rename(dir_ / "keys" / "b-new.key", dir_ / "store" / "b-new");
  fs::create_symlink(dir_ / "store" / "b-new", dir_ / "keys" / "b-new.key");
  ring = LoadMasterKeyring(Folder());
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_NE(ring->Find(new_id), nullptr);
}

TEST_F(MasterKeyringTest, RowsUnderAKeyNotInTheRingAreALoudErrorWithTheCount) {
  const std::string id = AddKey("current.key", std::chrono::hours(1));
  const std::vector<SealedKeyCount> sealed = {{id, 5},
                                              {"feedfacecafebeef", 37}};
  absl::StatusOr<MasterKeyring> ring = ResolveMasterKeyring(Folder(), sealed);
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(ring.status().message().find("feedfacecafebeef (37 rows)"),
            std::string::npos)
      << ring.status();
  EXPECT_TRUE(ResolveMasterKeyring(Folder(), {{id, 5}}).ok());
}

TEST_F(MasterKeyringTest, AMissingRingIsCreatedOnlyWhenNothingIsSealed) {
  const std::string file = (dir_ / "single" / "master.key").string();
  absl::StatusOr<MasterKeyring> ring =
      ResolveMasterKeyring(Creating(file), {{"0123abcd", 3}});
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(ring.status().message().find("0123abcd (3 rows)"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(file));

  ring = ResolveMasterKeyring(Creating(file), {});
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->keys().size(), 1u);
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // An empty folder gets its first key as a file in it.
  ring = ResolveMasterKeyring(Creating((dir_ / "keys").string()), {});
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_TRUE(fs::exists(dir_ / "keys" / "first.key"));
  EXPECT_FALSE(
      ResolveMasterKeyring(Creating((dir_ / "none").string(), false), {}).ok());
}

TEST_F(MasterKeyringTest,
       TheSealerSealsWithTheActiveKeyAndOpensWithAnyInTheRing) {
  const std::string old_id = AddKey("old.key", std::chrono::hours(48));
  absl::StatusOr<MasterKeyring> old_ring = LoadMasterKeyring(Folder());
  ASSERT_TRUE(old_ring.ok());
  const SecretSealer before(*std::move(old_ring));
  absl::StatusOr<SealedSecret> sealed =
      before.Seal(SealPurpose::kWebhookSecret, "itg_1", 4, "whsec_old");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->key_id, old_id);

  const std::string new_id = AddKey("new.key", std::chrono::hours(1));
  absl::StatusOr<MasterKeyring> ring = LoadMasterKeyring(Folder());
  ASSERT_TRUE(ring.ok());
  const SecretSealer after(*std::move(ring));
  EXPECT_EQ(after.key_id(), new_id);
  absl::StatusOr<std::string> opened =
      after.Open(SealPurpose::kWebhookSecret, "itg_1", *sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "whsec_old");
  absl::StatusOr<SealedSecret> resealed =
      after.Seal(SealPurpose::kWebhookSecret, "itg_1", 4, *opened);
  ASSERT_TRUE(resealed.ok());
  EXPECT_EQ(resealed->key_id, new_id);

  // A ring without the old key cannot open the old row, and says which key.
  fs::remove(dir_ / "keys" / "old.key");
  absl::StatusOr<MasterKeyring> retired = LoadMasterKeyring(Folder());
  ASSERT_TRUE(retired.ok());
  const SecretSealer without(*std::move(retired));
  absl::StatusOr<std::string> refused =
      without.Open(SealPurpose::kWebhookSecret, "itg_1", *sealed);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find(old_id), std::string::npos);
  EXPECT_TRUE(
      without.Open(SealPurpose::kWebhookSecret, "itg_1", *resealed).ok());
}

TEST_F(MasterKeyringTest, ASealerTakesANewRingForTheCallsThatFollow) {
  const std::string old_id = AddKey("old.key", std::chrono::hours(48));
  absl::StatusOr<MasterKeyring> ring = LoadMasterKeyring(Folder());
  ASSERT_TRUE(ring.ok());
  SecretSealer sealer(*std::move(ring));
  absl::StatusOr<SealedSecret> before =
      sealer.Seal(SealPurpose::kApiSecret, "itg_1/int_1", 1, "api");
  ASSERT_TRUE(before.ok());

  const std::string new_id = AddKey("new.key", std::chrono::hours(1));
  ring = LoadMasterKeyring(Folder());
  ASSERT_TRUE(ring.ok());
  sealer.ReplaceRing(*std::move(ring));
  EXPECT_EQ(sealer.key_id(), new_id);
  EXPECT_EQ(sealer.key_ids().size(), 2u);
  absl::StatusOr<SealedSecret> after =
      sealer.Seal(SealPurpose::kApiSecret, "itg_1/int_1", 1, "api");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->key_id, new_id);
  EXPECT_EQ(*sealer.Open(SealPurpose::kApiSecret, "itg_1/int_1", *before),
            "api");
}

}  // namespace
}  // namespace integrator
