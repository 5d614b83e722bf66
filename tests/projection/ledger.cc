#include "projection/ledger.h"

#include <gtest/gtest.h>

#include <map>
#include <variant>

#include "es/domain/event_set.h"
#include "sqlite/raw_sqlite.h"

namespace es::testing {

Projection<Tx> ledger_projection(std::optional<Position> fail_at) {
  Projection<Tx> p("ledger");
  p.on_start([](Tx& tx) {
    return tx.exec(
        "CREATE TABLE IF NOT EXISTS balances (account TEXT PRIMARY KEY, cents INTEGER NOT NULL)");
  });
  p.on_clear([](Tx& tx) { return tx.exec("DELETE FROM balances"); });
  auto add = [fail_at](const RecordedEvent& e, std::int64_t cents, Tx& tx) -> Status {
    if (fail_at && e.position == *fail_at) return Status::rejected("ledger handler fails here");
    return tx.exec(
        "INSERT INTO balances (account, cents) VALUES (?1, ?2) ON CONFLICT (account) DO UPDATE "
        "SET cents = balances.cents + excluded.cents",
        e.stream, cents);
  };
  p.on<Deposited>(
      [add](const Envelope<Deposited>& e, Tx& tx) { return add(e.recorded, e.event.cents, tx); });
  p.on<Withdrawn>(
      [add](const Envelope<Withdrawn>& e, Tx& tx) { return add(e.recorded, -e.event.cents, tx); });
  return p;
}

void append_ledger_events(EventStore& store, int count, int accounts) {
  using Ledger = EventSet<std::variant<Deposited, Withdrawn, Audited>>;
  std::vector<EventData> batch;
  for (int i = 0; i < count; ++i) {
    std::variant<Deposited, Withdrawn, Audited> event;
    if (i % 5 == 4)
      event = Audited{"check " + std::to_string(i)};
    else if (i % 3 == 2)
      event = Withdrawn{i % 11};
    else
      event = Deposited{100 + i % 17};
    batch.push_back(Ledger::encode(event));
    // A few events per append, to several streams in turn.
    if (batch.size() == 3 || i + 1 == count) {
      auto r =
          store.append("account-" + std::to_string(i % accounts), ExpectedVersion::any(), batch);
      EXPECT_TRUE(r.has_value()) << r.error().to_string();
      batch.clear();
    }
  }
}

std::vector<std::string> expected_balances(EventStore& store, Position upto,
                                           const std::map<std::string, Position>& parked) {
  std::map<std::string, std::int64_t> balances;
  const Status s = store.visit_all({}, [&](const RecordedEvent& e) {
    if (e.position > upto) return false;
    std::variant<Deposited, Withdrawn, Audited> event;
    using Ledger = EventSet<std::variant<Deposited, Withdrawn, Audited>>;
    if (!Ledger::contains(e.type)) return true;  // events of other tests
    if (auto it = parked.find(e.stream); it != parked.end() && e.position >= it->second) {
      return true;
    }
    EXPECT_TRUE(Ledger::decode(e.type, e.schema_version, e.data, event).is_ok());
    if (const auto* d = std::get_if<Deposited>(&event)) balances[e.stream] += d->cents;
    if (const auto* w = std::get_if<Withdrawn>(&event)) balances[e.stream] -= w->cents;
    return true;
  });
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  std::vector<std::string> lines;
  for (const auto& [account, cents] : balances) {
    lines.push_back(account + "=" + std::to_string(cents));
  }
  return lines;
}

std::vector<Position> expected_letters(EventStore& store, const RecordedEvent& failing,
                                       Position upto) {
  using Handled = EventSet<std::variant<Deposited, Withdrawn>>;
  std::vector<Position> letters;
  const Status s = store.visit_all({}, [&](const RecordedEvent& e) {
    if (e.position > upto) return false;
    if (e.stream == failing.stream && e.position >= failing.position && Handled::contains(e.type)) {
      letters.push_back(e.position);
    }
    return true;
  });
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  return letters;
}

std::vector<std::string> stored_balances(const std::string& path) {
  return sqlite_query(
      path, "SELECT account || '=' || cents FROM balances ORDER BY account COLLATE BINARY");
}

}  // namespace es::testing
