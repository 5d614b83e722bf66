// The bank example's account: events, and the Account aggregate in the imperative style.
// Money is in cents; an account may go below zero down to its overdraft limit.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "es/domain/aggregate.h"

namespace bank {

struct AccountOpened {
  std::string owner;
  std::int64_t overdraft_cents = 0;
};
struct MoneyDeposited {
  std::int64_t cents = 0;
};
struct MoneyWithdrawn {
  std::int64_t cents = 0;
};
struct AccountClosed {};

ES_EVENT(AccountOpened, "bank.AccountOpened", 1, owner, overdraft_cents)
ES_EVENT(MoneyDeposited, "bank.MoneyDeposited", 1, cents)
ES_EVENT(MoneyWithdrawn, "bank.MoneyWithdrawn", 1, cents)
ES_EVENT(AccountClosed, "bank.AccountClosed", 1)

class Account
    : public es::Aggregate<Account, AccountOpened, MoneyDeposited, MoneyWithdrawn, AccountClosed> {
 public:
  static constexpr std::string_view kCategory = "account";
  static constexpr std::int32_t kSnapshotVersion = 1;

  es::Status open(std::string owner, std::int64_t overdraft_cents) {
    if (opened_) return es::Status::rejected("account " + id() + " is already open");
    if (overdraft_cents < 0) return es::Status::rejected("overdraft must not be negative");
    raise(AccountOpened{std::move(owner), overdraft_cents});
    return es::Status::ok();
  }
  es::Status deposit(std::int64_t cents) {
    ES_RETURN_IF_ERROR(check_usable());
    if (cents <= 0) return es::Status::rejected("a deposit must be positive");
    raise(MoneyDeposited{cents});
    return es::Status::ok();
  }
  es::Status withdraw(std::int64_t cents) {
    ES_RETURN_IF_ERROR(check_usable());
    if (cents <= 0) return es::Status::rejected("a withdrawal must be positive");
    if (balance_ + overdraft_ < cents) {
      return es::Status::rejected("insufficient funds: balance " + std::to_string(balance_) +
                                  ", overdraft " + std::to_string(overdraft_) + ", asked " +
                                  std::to_string(cents));
    }
    raise(MoneyWithdrawn{cents});
    return es::Status::ok();
  }
  es::Status close() {
    ES_RETURN_IF_ERROR(check_usable());
    if (balance_ != 0) return es::Status::rejected("only an account with balance 0 can close");
    raise(AccountClosed{});
    return es::Status::ok();
  }

  void apply(const AccountOpened& e) {
    opened_ = true;
    owner_ = e.owner;
    overdraft_ = e.overdraft_cents;
  }
  void apply(const MoneyDeposited& e) { balance_ += e.cents; }
  void apply(const MoneyWithdrawn& e) { balance_ -= e.cents; }
  void apply(const AccountClosed&) { closed_ = true; }

  [[nodiscard]] std::int64_t balance() const { return balance_; }
  [[nodiscard]] const std::string& owner() const { return owner_; }
  [[nodiscard]] bool is_open() const { return opened_ && !closed_; }

 private:
  es::Status check_usable() const {
    if (!opened_) return es::Status::rejected("account " + id() + " is not open");
    if (closed_) return es::Status::rejected("account " + id() + " is closed");
    return es::Status::ok();
  }

  bool opened_ = false;
  bool closed_ = false;
  std::string owner_;
  std::int64_t balance_ = 0;
  std::int64_t overdraft_ = 0;

 public:
  ES_FRIEND_FIELDS(Account, opened_, closed_, owner_, balance_, overdraft_)
};

}  // namespace bank
