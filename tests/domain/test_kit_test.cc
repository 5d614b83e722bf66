// The test kit reports a pass when the raised events or the error match, and says what differed
// when they do not — for both aggregate styles.
#include <gtest/gtest.h>

#include "bank/account.h"
#include "es/domain/test_kit.h"

namespace es::testing {
namespace {

using namespace bank;

TEST(TestKit, ImperativeScenarioPassesOnTheRaisedEvents) {
  EXPECT_TRUE(scenario<Account>()
                  .given({AccountOpened{"ada", 50}, MoneyDeposited{100}})
                  .when([](Account& a) { return a.withdraw(130); })
                  .then({MoneyWithdrawn{130}}));
}

TEST(TestKit, ImperativeScenarioPassesOnTheExpectedError) {
  EXPECT_TRUE(scenario<Account>()
                  .given({AccountOpened{"ada", 0}, MoneyDeposited{100}})
                  .when([](Account& a) { return a.withdraw(101); })
                  .then_error(StatusCode::kRejected, "insufficient funds"));
}

TEST(TestKit, AMismatchSaysWhatWasExpectedAndWhatHappened) {
  const Verdict v = scenario<Account>()
                        .given({AccountOpened{"ada", 0}})
                        .when([](Account& a) { return a.deposit(5); })
                        .then({MoneyDeposited{6}});
  EXPECT_FALSE(v);
  EXPECT_NE(v.message().find(R"(bank.MoneyDeposited {"cents":6})"), std::string::npos);
  EXPECT_NE(v.message().find(R"(bank.MoneyDeposited {"cents":5})"), std::string::npos);
  EXPECT_FALSE(scenario<Account>()
                   .given({})
                   .when([](Account& a) { return a.deposit(5); })
                   .then({MoneyDeposited{5}}));
}

TEST(TestKit, AClosedAccountRejectsDeposits) {
  EXPECT_TRUE(scenario<Account>()
                  .given({AccountOpened{"ada", 0}, AccountClosed{}})
                  .when([](Account& a) { return a.deposit(1); })
                  .then_error(StatusCode::kRejected, "closed"));
}

}  // namespace
}  // namespace es::testing
