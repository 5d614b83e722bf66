#include "bank/upcasters.h"

#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "bank/account.h"
#include "bank/legacy_events.h"
#include "es/domain/json_codec.h"

namespace bank {
namespace {

using Payloads = std::vector<es::StoredPayload>;

es::StoredPayload as_payload(es::EventData event) {
  return {std::move(event.type), event.schema_version, std::move(event.data)};
}

// Today's event in the very form the repository stores it.
es::StoredPayload current(const Account::EventVariant& event) {
  return as_payload(es::EventSet<Account::EventVariant>::encode(event));
}

// Registers the step for the legacy event From: the stored payload is decoded as From (strictly,
// so malformed legacy data fails here, naming the field) and replaced by convert(from).
template <es::Event From, typename Convert>
void add_step(es::Upcasters& up, Convert convert) {
  constexpr es::EventType kFrom = es::event_type_of<From>();
  const es::Status added =
      up.add(std::string(kFrom.name), kFrom.schema_version,
             [convert](es::StoredPayload in) -> es::Result<Payloads> {
               From old;
               const es::Status decoded = es::json_decode(in.data, old);
               if (!decoded.is_ok()) {
                 return es::Status(decoded.code(), "upcasting '" + in.type + "' v" +
                                                       std::to_string(in.schema_version) + ": " +
                                                       std::string(decoded.message()));
               }
               return convert(old);
             });
  assert(added.is_ok() && "two bank upcasters for one legacy event");
  (void)added;
}

}  // namespace

es::Upcasters upcasters() {
  es::Upcasters up;
  // Release 2 added overdrafts; an account that release 1 opened had none.
  add_step<legacy::AccountOpenedWithDepositV1>(up, [](const legacy::AccountOpenedWithDepositV1& e) {
    return Payloads{as_payload(legacy::encode(legacy::AccountOpenedWithDeposit{
        .owner = e.owner, .overdraft_cents = 0, .initial_cents = e.initial_cents}))};
  });
  // Release 3 split opening from the first deposit, so that every deposit is one MoneyDeposited
  // whichever way it was made; an initial deposit of zero was no deposit.
  add_step<legacy::AccountOpenedWithDeposit>(up, [](const legacy::AccountOpenedWithDeposit& e) {
    Payloads out{current(AccountOpened{.owner = e.owner, .overdraft_cents = e.overdraft_cents})};
    if (e.initial_cents != 0) out.push_back(current(MoneyDeposited{.cents = e.initial_cents}));
    return out;
  });
  // Release 3 also renamed "funds added" to the bank's own word, a deposit, and its amount_cents
  // to cents, like every amount in today's events.
  add_step<legacy::FundsAdded>(up, [](const legacy::FundsAdded& e) {
    return Payloads{current(MoneyDeposited{.cents = e.amount_cents})};
  });
  return up;
}

}  // namespace bank
