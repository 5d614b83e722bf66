// The domain layer over an encrypting store: a repository saves and loads aggregates whose events
// carry encrypted fields, and after a shred the aggregate still loads, without the erased value.
#include <gtest/gtest.h>

#include "bank/account.h"
#include "es/domain/repository.h"
#include "es/store/encryption.h"
#include "es/store/sqlite_store.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

TEST(EncryptedRepositoryTest, LoadsAggregatesAndSurvivesAShredWithTheFieldErased) {
  TempDir dir;
  auto sqlite = open_sqlite(dir.file("events.db"));
  ASSERT_TRUE(sqlite);
  auto keys = open_sqlite_key_store(dir.file("keys.db"), MasterKey::generate());
  ASSERT_TRUE(keys);
  KeyStore& key_store = **keys;
  auto store = encrypt_store(std::move(*sqlite), std::move(*keys),
                             {.types = {{"bank.AccountOpened", {.fields = {"owner"}}}}});
  ASSERT_TRUE(store) << store.error().to_string();
  Repository<bank::Account> accounts(**store);
  for (const std::string id : {"1", "2"}) {
    auto r = accounts.execute(id, [&](bank::Account& a) {
      ES_RETURN_IF_ERROR(a.open("owner-" + id, 100));
      return a.deposit(500);
    });
    ASSERT_TRUE(r) << r.error().to_string();
  }
  ASSERT_TRUE(accounts.execute("1", [](bank::Account& a) { return a.withdraw(550); }));

  auto one = accounts.load("1");
  ASSERT_TRUE(one) << one.error().to_string();
  EXPECT_EQ(one->owner(), "owner-1");
  EXPECT_EQ(one->balance(), -50);
  EXPECT_EQ(one->version(), 3);

  // The stream name is the subject: shredding "account-1" erases its owner and nothing else.
  ASSERT_TRUE(key_store.shred("account-1").is_ok());
  auto erased = accounts.load("1");
  ASSERT_TRUE(erased) << erased.error().to_string();
  EXPECT_EQ(erased->owner(), "");
  EXPECT_EQ(erased->balance(), -50);
  EXPECT_EQ(accounts.load("2")->owner(), "owner-2");
}

}  // namespace
}  // namespace es::testing
