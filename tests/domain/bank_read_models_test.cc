// The bank's read models (bank/read_models.h) on SQLite: after catch-up, live appends and a
// restart, bank_balances holds exactly the balances the Account aggregates load to (legacy
// accounts included, through the upcasters), and bank_daily_totals adds up every movement once.
#include "bank/read_models.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "bank/account.h"
#include "bank/legacy_events.h"
#include "bank/upcasters.h"
#include "es/domain/repository.h"
#include "es/projection/runner.h"
#include "es/store/sqlite_store.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

using bank::Account;
constexpr std::chrono::seconds kPatience{60};

std::unique_ptr<EventStore> open_store(const std::string& path) {
  auto opened = open_sqlite(path);
  EXPECT_TRUE(opened) << opened.error().to_string();
  return opened ? std::move(*opened) : nullptr;
}

class BankReadModelsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(store_, nullptr); }

  // Opens `id` and moves money on it; `i` varies the amounts. Tracks what was moved.
  void busy_account(const std::string& id, std::int64_t i) {
    run(id, [&](Account& a) {
      ES_RETURN_IF_ERROR(a.open("Owner " + id, 1'000));
      return a.deposit(10'000 + i);
    });
    deposited_ += 10'000 + i;
    for (std::int64_t k = 0; k < 5; ++k) {
      run(id, [&](Account& a) { return a.deposit(100 * (k + 1)); });
      deposited_ += 100 * (k + 1);
      run(id, [&](Account& a) { return a.withdraw(7 * (k + i + 1)); });
      withdrawn_ += 7 * (k + i + 1);
    }
    ids_.push_back(id);
  }
  template <typename F>
  void run(const std::string& id, F&& command) {
    auto done = accounts_.execute(id, std::forward<F>(command));
    ASSERT_TRUE(done) << done.error().to_string();
  }
  Position head() {
    auto h = store_->head_position();
    EXPECT_TRUE(h) << h.error().to_string();
    return h.value_or(Position::start());
  }
  // The read model equals what every account loads to.
  void expect_read_models_match() {
    auto rows = bank::query_balances(path_);
    ASSERT_TRUE(rows) << rows.error().to_string();
    std::map<std::string, bank::BalanceRow> by_id;
    for (const auto& row : *rows) by_id[row.account] = row;
    ASSERT_EQ(by_id.size(), ids_.size());
    for (const std::string& id : ids_) {
      auto account = accounts_.load(id);
      ASSERT_TRUE(account) << account.error().to_string();
      EXPECT_EQ(by_id[id].cents, account->balance()) << id;
      EXPECT_EQ(by_id[id].owner, account->owner()) << id;
      EXPECT_EQ(by_id[id].closed, !account->is_open()) << id;
    }
    auto days = bank::query_daily_totals(path_);
    ASSERT_TRUE(days) << days.error().to_string();
    std::int64_t in = 0, out = 0;
    for (const auto& day : *days) {
      in += day.deposited_cents;
      out += day.withdrawn_cents;
    }
    EXPECT_EQ(in, deposited_);
    EXPECT_EQ(out, withdrawn_);
  }

  TempDir dir_;
  const std::string path_ = dir_.file("events.db");
  std::unique_ptr<EventStore> store_ = open_store(path_);
  const Upcasters history_ = bank::upcasters();
  Repository<Account> accounts_{*store_, {.upcasters = &history_}};
  std::vector<std::string> ids_;
  std::int64_t deposited_ = 0, withdrawn_ = 0;
};

TEST_F(BankReadModelsTest, BalancesAndDailyTotalsEqualTheAggregatesThroughCatchUpLiveAndRestart) {
  for (int i = 0; i < 6; ++i) busy_account("acct-" + std::to_string(i), i);
  // An account written by release 1, read through the upcasters.
  ASSERT_TRUE(store_->append(
      "account-legacy", ExpectedVersion::no_stream(),
      std::vector<EventData>{bank::legacy::encode(bank::legacy::AccountOpenedWithDepositV1{
                                 .owner = "Carol", .initial_cents = 500}),
                             bank::legacy::encode(bank::legacy::FundsAdded{.amount_cents = 250})}));
  deposited_ += 750;
  ids_.push_back("legacy");

  const auto balances = bank::balances_projection(history_);
  const auto daily = bank::daily_totals_projection(history_);
  {
    auto b = run_sqlite_projection(*store_, path_, balances, {.page_size = 16});
    auto d = run_sqlite_projection(*store_, path_, daily, {.page_size = 16});
    ASSERT_TRUE(b && d);
    ASSERT_TRUE(b->wait_for(head(), kPatience)) << b->status().to_string();
    ASSERT_TRUE(d->wait_for(head(), kPatience)) << d->status().to_string();
    expect_read_models_match();

    // Live: a closed account and more movements arrive while the runners follow.
    busy_account("acct-live", 9);
    run("acct-empty", [](Account& a) { return a.open("Empty", 0); });
    run("acct-empty", [](Account& a) { return a.close(); });
    ids_.push_back("acct-empty");
    ASSERT_TRUE(b->wait_for(head(), kPatience)) << b->status().to_string();
    ASSERT_TRUE(d->wait_for(head(), kPatience)) << d->status().to_string();
    ASSERT_TRUE(b->stop().is_ok());
    ASSERT_TRUE(d->stop().is_ok());
  }
  expect_read_models_match();

  // Stopped, then restarted from their checkpoints: nothing is counted twice.
  busy_account("acct-after", 3);
  auto b = run_sqlite_projection(*store_, path_, balances);
  auto d = run_sqlite_projection(*store_, path_, daily);
  ASSERT_TRUE(b && d);
  ASSERT_TRUE(b->wait_for(head(), kPatience)) << b->status().to_string();
  ASSERT_TRUE(d->wait_for(head(), kPatience)) << d->status().to_string();
  expect_read_models_match();
}

}  // namespace
}  // namespace es::testing
