// A small read model for the projection tests and the projection child process: account
// balances in a SQLite table, fed by two typed events, with a third event type it ignores.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "es/domain/event.h"
#include "es/projection/projection.h"
#include "es/projection/tx.h"
#include "es/store/event_store.h"

namespace es::testing {

struct Deposited {
  std::int64_t cents = 0;
};
struct Withdrawn {
  std::int64_t cents = 0;
};
struct Audited {
  std::string note;
};
ES_EVENT(Deposited, "ledger.Deposited", 1, cents)
ES_EVENT(Withdrawn, "ledger.Withdrawn", 1, cents)
ES_EVENT(Audited, "ledger.Audited", 1, note)

// Balances per account stream in the table `balances`; `fail_at` makes the handler fail on the
// event at that position (to test rollback and error reporting).
Projection<Tx> ledger_projection(std::optional<Position> fail_at = std::nullopt);

// Appends `count` ledger events (deposits, withdrawals and audits) over `accounts` accounts.
void append_ledger_events(EventStore& store, int count, int accounts = 7);

// "account=cents" lines, by account: what the read model should hold after every event up to
// and including `upto`, folded straight from the store — leaving out, for each stream in
// `parked`, its events from the given position on (they were dead-lettered).
std::vector<std::string> expected_balances(EventStore& store, Position upto,
                                           const std::map<std::string, Position>& parked = {});
// The positions of the letters the projection parks when its handler fails at `failing` and it
// got as far as `upto`: the failing event, then each later event of its stream that the
// projection handles (parked behind it), in order.
std::vector<Position> expected_letters(EventStore& store, const RecordedEvent& failing,
                                       Position upto);
// The same lines as the table in the SQLite file at `path` holds them.
std::vector<std::string> stored_balances(const std::string& path);

}  // namespace es::testing
