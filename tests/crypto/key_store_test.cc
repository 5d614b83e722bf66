// Key stores, in memory and in SQLite: one key per subject, shredding, master-key checks and
// rotation, and that a shredded key's bytes are gone from the SQLite file and its WAL.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "es/store/key_store.h"
#include "store/sqlite/connection.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The wrapped key material stored for `key_id`, read behind the store's back.
std::string wrapped_bytes(const std::string& path, const std::string& key_id) {
  auto conn = sqlite::Connection::open(path, true, 1000);
  EXPECT_TRUE(conn);
  auto stmt = conn->prepare("SELECT wrapped FROM es_keys WHERE key_id = ?");
  EXPECT_TRUE(stmt);
  stmt->bind(1, key_id);
  EXPECT_EQ(stmt->step(), SQLITE_ROW);
  return std::string(stmt->column_blob(0));
}

class KeyStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<KeyStore> open(const MasterKey& master) {
    if (GetParam() == "memory") return open_memory_key_store(master);
    auto keys = open_sqlite_key_store(dir_.file("keys.db"), master);
    EXPECT_TRUE(keys) << keys.error().to_string();
    return keys ? std::move(*keys) : nullptr;
  }

  TempDir dir_;
  MasterKey master_ = MasterKey::generate();
};

TEST_P(KeyStoreTest, ASubjectGetsOneKeyCreatedOnFirstUse) {
  auto keys = open(master_);
  auto first = keys->key_for_subject("customer-1");
  ASSERT_TRUE(first) << first.error().to_string();
  auto again = keys->key_for_subject("customer-1");
  auto other = keys->key_for_subject("customer-2");
  ASSERT_TRUE(again && other);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->bytes, first->bytes);
  EXPECT_NE(other->id, first->id);
  EXPECT_NE(other->bytes, first->bytes);
  auto found = keys->find_key(first->id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->state, KeyState::kLive);
  EXPECT_EQ(found->key->bytes, first->bytes);
  EXPECT_EQ(keys->find_key("no-such-key")->state, KeyState::kUnknown);
  EXPECT_EQ(keys->key_for_subject("").error().code(), StatusCode::kInvalidArgument);
}

TEST_P(KeyStoreTest, ShredDestroysTheKeyAndKeepsItsIdAsShredded) {
  auto keys = open(master_);
  auto key = keys->key_for_subject("customer-1");
  ASSERT_TRUE(key);
  ASSERT_TRUE(keys->shred("customer-1").is_ok());
  auto found = keys->find_key(key->id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->state, KeyState::kShredded);
  EXPECT_FALSE(found->key.has_value());
  EXPECT_EQ(keys->shred("customer-1").code(), StatusCode::kNotFound);
  EXPECT_EQ(keys->shred("never-seen").code(), StatusCode::kNotFound);
  // The subject may come back, with a new key: the old payloads stay erased.
  auto fresh = keys->key_for_subject("customer-1");
  ASSERT_TRUE(fresh);
  EXPECT_NE(fresh->id, key->id);
  EXPECT_EQ(keys->find_key(key->id)->state, KeyState::kShredded);
}

TEST_P(KeyStoreTest, RotationRewrapsEveryKeyUnderTheNewMasterKey) {
  auto keys = open(master_);
  auto a = keys->key_for_subject("a");
  auto b = keys->key_for_subject("b");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(keys->shred("b").is_ok());
  const MasterKey next = MasterKey::generate();
  ASSERT_TRUE(keys->rotate_master_key(next).is_ok());
  EXPECT_EQ(keys->master_fingerprint(), next.fingerprint());
  EXPECT_EQ(keys->find_key(a->id)->key->bytes, a->bytes);
  EXPECT_EQ(keys->find_key(b->id)->state, KeyState::kShredded);
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyStoreTest, ::testing::Values("memory", "sqlite"));

class SqliteKeyStoreTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string path_ = dir_.file("keys.db");
  MasterKey master_ = MasterKey::generate();
};

TEST_F(SqliteKeyStoreTest, AnotherMasterKeyIsRefusedNamingBothFingerprints) {
  ASSERT_TRUE(open_sqlite_key_store(path_, master_));
  const MasterKey wrong = MasterKey::generate();
  auto refused = open_sqlite_key_store(path_, wrong);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.error().message().find(master_.fingerprint()), std::string_view::npos);
  EXPECT_NE(refused.error().message().find(wrong.fingerprint()), std::string_view::npos);
}

TEST_F(SqliteKeyStoreTest, AfterRotationOnlyTheNewMasterKeyOpensTheStore) {
  std::string id;
  DataKey before;
  {
    auto keys = open_sqlite_key_store(path_, master_);
    ASSERT_TRUE(keys);
    auto key = (*keys)->key_for_subject("customer-1");
    ASSERT_TRUE(key);
    id = key->id;
    before = *key;
  }
  const MasterKey next = MasterKey::generate();
  {
    auto keys = open_sqlite_key_store(path_, master_);
    ASSERT_TRUE(keys);
    ASSERT_TRUE((*keys)->rotate_master_key(next).is_ok());
  }
  EXPECT_EQ(open_sqlite_key_store(path_, master_).error().code(), StatusCode::kPermissionDenied);
  auto keys = open_sqlite_key_store(path_, next);
  ASSERT_TRUE(keys) << keys.error().to_string();
  auto found = (*keys)->find_key(id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->key->bytes, before.bytes);
}

TEST_F(SqliteKeyStoreTest, KeysSurviveReopening) {
  std::string id;
  {
    auto keys = open_sqlite_key_store(path_, master_);
    id = (*keys)->key_for_subject("customer-1")->id;
  }
  auto keys = open_sqlite_key_store(path_, master_);
  EXPECT_EQ((*keys)->key_for_subject("customer-1")->id, id);
}

TEST_F(SqliteKeyStoreTest, AShreddedKeyLeavesNoBytesInTheFileOrItsWal) {
  auto keys = open_sqlite_key_store(path_, master_);
  ASSERT_TRUE(keys);
  auto key = (*keys)->key_for_subject("customer-1");
  ASSERT_TRUE((*keys)->key_for_subject("customer-2"));
  ASSERT_TRUE(key);
  const std::string wrapped = wrapped_bytes(path_, key->id);
  ASSERT_EQ(wrapped.size(), DataKey::kBytes + 16);
  const std::string subject = "customer-1";
  const std::string before = file_bytes(path_) + file_bytes(path_ + "-wal");
  ASSERT_NE(before.find(wrapped), std::string::npos) << "the check must see the key beforehand";
  ASSERT_TRUE((*keys)->shred(subject).is_ok());
  const std::string after = file_bytes(path_) + file_bytes(path_ + "-wal");
  EXPECT_EQ(after.find(wrapped), std::string::npos);
  EXPECT_EQ(after.find("customer-1"), std::string::npos);
  EXPECT_NE(after.find("customer-2"), std::string::npos);
}

TEST(MasterKeyTest, ReadsHexBase64AndRawFilesAndRefusesOtherText) {
  const MasterKey key = MasterKey::generate();
  auto hex = MasterKey::from_text(" " + key.to_hex() + "\n");
  ASSERT_TRUE(hex);
  EXPECT_EQ(hex->bytes(), key.bytes());
  EXPECT_EQ(MasterKey::from_text(key.to_hex().substr(2)).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MasterKey::from_text("not a key").error().code(), StatusCode::kInvalidArgument);
  auto b64 = MasterKey::from_text("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  ASSERT_TRUE(b64);
  EXPECT_EQ(b64->bytes()[31], 31);

  TempDir dir;
  const std::string raw = dir.file("raw.key");
  std::ofstream(raw, std::ios::binary).write(reinterpret_cast<const char*>(key.bytes().data()), 32);
  EXPECT_EQ(MasterKey::from_file(raw)->bytes(), key.bytes());
  EXPECT_EQ(MasterKey::from_file(dir.file("missing")).error().code(), StatusCode::kNotFound);

  ::setenv("ES_TEST_MASTER_KEY", key.to_hex().c_str(), 1);
  EXPECT_EQ(MasterKey::from_env("ES_TEST_MASTER_KEY")->bytes(), key.bytes());
  ::unsetenv("ES_TEST_MASTER_KEY");
  EXPECT_EQ(MasterKey::from_env("ES_TEST_MASTER_KEY").error().code(), StatusCode::kNotFound);
  EXPECT_NE(key.fingerprint(), MasterKey::generate().fingerprint());
  EXPECT_EQ(key.fingerprint().size(), 16U);
}

}  // namespace
}  // namespace es::testing
