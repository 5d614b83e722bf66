// Must not compile: Account lists MoneyWithdrawn among its events but has no apply() for it.
// CTest (domain_compile_fail_missing_apply) expects the compiler to stop at the static_assert
// in es/domain/aggregate.h.
#include "es/domain/aggregate.h"

namespace {

struct MoneyDeposited {
  std::int64_t cents = 0;
};
ES_EVENT(MoneyDeposited, "bank.MoneyDeposited", 1, cents)

struct MoneyWithdrawn {
  std::int64_t cents = 0;
};
ES_EVENT(MoneyWithdrawn, "bank.MoneyWithdrawn", 1, cents)

class Account : public es::Aggregate<Account, MoneyDeposited, MoneyWithdrawn> {
 public:
  static constexpr std::string_view kCategory = "account";
  void deposit(std::int64_t cents) { raise(MoneyDeposited{cents}); }
  void apply(const MoneyDeposited& e) { balance_ += e.cents; }

 private:
  std::int64_t balance_ = 0;
};

}  // namespace

int main() {
  Account a;
  a.deposit(5);
}
