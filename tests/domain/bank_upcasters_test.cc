// The bank's schema history (bank::upcasters()) on both backends: histories written by releases
// 1 and 2 load through the repository exactly like the same history in today's events, the split
// and rename produce today's stored form, and malformed legacy data fails naming where it is.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "bank/account.h"
#include "bank/legacy_events.h"
#include "bank/upcasters.h"
#include "es/domain/repository.h"
#include "es/store/memory_store.h"
#include "es/store/sqlite_store.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

using bank::Account;
using Events = EventSet<Account::EventVariant>;

EventData today(const Account::EventVariant& event) { return Events::encode(event); }

class BankUpcastersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = make_memory_store();
    } else {
      store_ = std::move(*open_sqlite(dir_.file("events.db")));
    }
  }

  // Appends `history` to account `id`, as the release that wrote it did.
  void write(const std::string& id, const std::vector<EventData>& history) {
    auto appended = store_->append("account-" + id, ExpectedVersion::no_stream(), history);
    ASSERT_TRUE(appended) << appended.error().to_string();
  }

  // The loaded account's whole state (its snapshot form), to compare two loads field by field.
  static std::string state_of(const Account& account) { return json_encode(account); }

  TempDir dir_;
  std::unique_ptr<EventStore> store_;
  const Upcasters upcasters_ = bank::upcasters();
};

TEST_P(BankUpcastersTest, ARelease1HistoryLoadsLikeTheSameHistoryInTodaysEvents) {
  write("legacy", {bank::legacy::encode(bank::legacy::AccountOpenedWithDepositV1{
                       .owner = "Carol", .initial_cents = 10'000}),
                   bank::legacy::encode(bank::legacy::FundsAdded{.amount_cents = 2'550}),
                   today(bank::MoneyWithdrawn{.cents = 1'000})});
  write("today",
        {today(bank::AccountOpened{.owner = "Carol", .overdraft_cents = 0}),
         today(bank::MoneyDeposited{.cents = 10'000}), today(bank::MoneyDeposited{.cents = 2'550}),
         today(bank::MoneyWithdrawn{.cents = 1'000})});
  Repository<Account> accounts(*store_, {.upcasters = &upcasters_});
  auto legacy = accounts.load("legacy");
  auto current = accounts.load("today");
  ASSERT_TRUE(legacy) << legacy.error().to_string();
  ASSERT_TRUE(current) << current.error().to_string();
  EXPECT_EQ(state_of(*legacy), state_of(*current));
  EXPECT_EQ(legacy->balance(), 11'550);
  EXPECT_EQ(legacy->owner(), "Carol");
  EXPECT_EQ(legacy->version(), 3);  // the stream's version, though it upcast into four events
}

TEST_P(BankUpcastersTest, ARelease2OpeningKeepsItsOverdraftAndAZeroDepositIsNoDeposit) {
  write("legacy", {bank::legacy::encode(bank::legacy::AccountOpenedWithDeposit{
                      .owner = "Dan", .overdraft_cents = 5'000, .initial_cents = 0})});
  write("today", {today(bank::AccountOpened{.owner = "Dan", .overdraft_cents = 5'000})});
  Repository<Account> accounts(*store_, {.upcasters = &upcasters_});
  auto legacy = accounts.load("legacy");
  ASSERT_TRUE(legacy) << legacy.error().to_string();
  EXPECT_EQ(state_of(*legacy), state_of(*accounts.load("today")));
  // The overdraft came through: a withdrawal below zero, within it, is accepted and appended
  // after the legacy event as today's event.
  auto done = accounts.execute("legacy", [](Account& a) { return a.withdraw(4'000); });
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(done->version, 2);
  EXPECT_EQ(accounts.load("legacy")->balance(), -4'000);
}

TEST_P(BankUpcastersTest, WithoutTheUpcastersALegacyHistoryDoesNotLoad) {
  write("legacy", {bank::legacy::encode(bank::legacy::FundsAdded{.amount_cents = 1})});
  Repository<Account> plain(*store_);
  auto loaded = plain.load("legacy");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message().find("unknown event type 'bank.FundsAdded'"),
            std::string::npos);
}

TEST_P(BankUpcastersTest, MalformedLegacyDataFailsTheLoadNamingStreamVersionAndField) {
  write("bad", {today(bank::AccountOpened{.owner = "Eve", .overdraft_cents = 0}),
                {.type = "bank.FundsAdded", .data = R"({"amount_cents":"ten"})"}});
  Repository<Account> accounts(*store_, {.upcasters = &upcasters_});
  auto loaded = accounts.load("bad");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code(), StatusCode::kInvalidArgument);
  const std::string message(loaded.error().message());
  EXPECT_NE(message.find("stream 'account-bad' version 2"), std::string::npos) << message;
  EXPECT_NE(message.find("'bank.FundsAdded' v1"), std::string::npos) << message;
  EXPECT_NE(message.find("amount_cents"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(Backends, BankUpcastersTest, ::testing::Values("memory", "sqlite"),
                         [](const auto& info) { return info.param; });

TEST(BankUpcasters, TheSplitProducesTodaysEventsInTheirStoredForm) {
  const EventData old = bank::legacy::encode(
      bank::legacy::AccountOpenedWithDepositV1{.owner = "Carol", .initial_cents = 700});
  std::vector<StoredPayload> current;
  ASSERT_TRUE(bank::upcasters().upcast({old.type, old.schema_version, old.data}, current).is_ok());
  ASSERT_EQ(current.size(), 2U);
  const EventData opened = today(bank::AccountOpened{.owner = "Carol", .overdraft_cents = 0});
  const EventData deposited = today(bank::MoneyDeposited{.cents = 700});
  EXPECT_EQ(current[0].type, opened.type);
  EXPECT_EQ(current[0].schema_version, opened.schema_version);
  EXPECT_EQ(current[0].data, opened.data);
  EXPECT_EQ(current[1].type, deposited.type);
  EXPECT_EQ(current[1].data, deposited.data);
}

TEST(BankUpcasters, TodaysEventsAreLeftAlone) {
  const Upcasters up = bank::upcasters();
  for (const EventType& type : Events::kTypes) {
    EXPECT_FALSE(up.applies_to(type.name, type.schema_version)) << type.name;
  }
}

}  // namespace
}  // namespace es::testing
