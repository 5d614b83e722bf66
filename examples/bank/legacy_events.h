// The events older releases of the bank wrote, kept only so that their histories can still be
// read: bank::upcasters() (bank/upcasters.h) turns each into today's events (bank/account.h).
// Never raise them from new code. Each struct is exactly the stored contract of its release.
//
// Thread safety: plain data.
//
//   es::EventData old = bank::legacy::encode(bank::legacy::FundsAdded{.amount_cents = 2'550});
//   // old.type == "bank.FundsAdded", old.schema_version == 1, old.data == {"amount_cents":2550}
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "es/domain/event.h"
#include "es/domain/event_set.h"

namespace bank::legacy {

// Release 1 opened an account together with its first deposit, and had no overdrafts.
struct AccountOpenedWithDepositV1 {
  std::string owner;
  std::int64_t initial_cents = 0;
};
ES_EVENT(AccountOpenedWithDepositV1, "bank.AccountOpenedWithDeposit", 1, owner, initial_cents)

// Release 2 added the overdraft limit to the same event, hence schema version 2.
struct AccountOpenedWithDeposit {
  std::string owner;
  std::int64_t overdraft_cents = 0;
  std::int64_t initial_cents = 0;
};
ES_EVENT(AccountOpenedWithDeposit, "bank.AccountOpenedWithDeposit", 2, owner, overdraft_cents,
         initial_cents)

// Releases 1 and 2 called a deposit "funds added".
struct FundsAdded {
  std::int64_t amount_cents = 0;
};
ES_EVENT(FundsAdded, "bank.FundsAdded", 1, amount_cents)

// The stored form of a legacy event — type name, schema version and JSON data — exactly as the
// release that wrote it encoded it; the store assigns the id.
template <es::Event E>
es::EventData encode(const E& event) {
  return es::EventSet<std::variant<E>>::encode(event);
}

}  // namespace bank::legacy
