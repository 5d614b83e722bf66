#include "bank/demo.h"

#include <fmt/format.h>

#include <vector>

#include "bank/account.h"
#include "bank/legacy_events.h"
#include "bank/read_models.h"
#include "bank/upcasters.h"
#include "es/domain/repository.h"
#include "es/projection/runner.h"
#include "es/store/open.h"

namespace bank {
namespace {

std::string money(std::int64_t cents) {
  return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", std::abs(cents) / 100,
                     std::abs(cents) % 100);
}

// The balance after each event, for the history listing.
std::int64_t apply_to_balance(std::int64_t balance, const es::RecordedEvent& e) {
  Account::EventVariant event;
  if (!es::EventSet<Account::EventVariant>::decode(e.type, e.schema_version, e.data, event)
           .is_ok()) {
    return balance;
  }
  if (const auto* d = std::get_if<MoneyDeposited>(&event)) return balance + d->cents;
  if (const auto* w = std::get_if<MoneyWithdrawn>(&event)) return balance - w->cents;
  return balance;
}

// The SQLite file behind a store URL, or empty for "memory:" (es/store/open.h).
std::string sqlite_path(std::string_view url) {
  if (url == "memory:") return {};
  if (url.starts_with("sqlite:")) url.remove_prefix(7);
  return std::string(url);
}

// The read models catch up with the store, are shown, and then follow a live deposit: the
// caller waits for the projection to reach its own append before reading (read your writes).
es::Status show_read_models(es::EventStore& store, es::Repository<Account>& accounts,
                            const es::Upcasters& upcasters, const std::string& db_url,
                            const std::string& run, const std::string& depositor,
                            std::ostream& out) {
  const std::string path = sqlite_path(db_url);
  if (path.empty()) {
    out << "\nRead models: skipped, they live in the store's SQLite file (not memory:).\n";
    return es::Status::ok();
  }
  constexpr std::chrono::seconds kPatience{30};
  const es::Projection<es::Tx> balances = balances_projection(upcasters);
  const es::Projection<es::Tx> daily = daily_totals_projection(upcasters);
  auto balances_running = es::run_sqlite_projection(store, path, balances);
  if (!balances_running) return balances_running.error();
  auto daily_running = es::run_sqlite_projection(store, path, daily);
  if (!daily_running) return daily_running.error();
  auto head = store.head_position();
  if (!head) return head.error();
  if (!balances_running->wait_for(*head, kPatience) || !daily_running->wait_for(*head, kPatience)) {
    return balances_running->status().is_ok() ? daily_running->status()
                                              : balances_running->status();
  }
  auto rows = query_balances(path);
  if (!rows) return rows.error();
  out << "\nRead model bank_balances (exactly-once, in " << path << "), this run's accounts:\n";
  for (const BalanceRow& row : *rows) {
    if (!row.account.ends_with(run)) continue;
    out << fmt::format("  {:<14} {:<6} {:>10}{}\n", row.account, row.owner, money(row.cents),
                       row.closed ? "  closed" : "");
  }
  auto days = query_daily_totals(path);
  if (!days) return days.error();
  out << "Read model bank_daily_totals, every run:\n";
  for (const DailyTotalRow& day : *days) {
    out << fmt::format("  {}  deposited {:>10} in {:>3}, withdrawn {:>10} in {:>3}\n", day.day,
                       money(day.deposited_cents), day.deposits, money(day.withdrawn_cents),
                       day.withdrawals);
  }

  auto deposited = accounts.execute(depositor, [](Account& a) { return a.deposit(4'200); });
  if (!deposited) return deposited.error();
  head = store.head_position();
  if (!head) return head.error();
  if (!balances_running->wait_for(*head, kPatience)) return balances_running->status();
  rows = query_balances(path);
  if (!rows) return rows.error();
  for (const BalanceRow& row : *rows) {
    if (row.account != depositor) continue;
    out << fmt::format(
        "{} deposits 42.00; after wait_for(position {}) the read model shows {} at once.\n",
        depositor, head->to_string(), money(row.cents));
  }
  ES_RETURN_IF_ERROR(balances_running->stop());
  return daily_running->stop();
}

}  // namespace

es::Status run_demo(const std::string& db_url, std::ostream& out) {
  auto store = es::open(db_url);
  if (!store) return store.error();
  auto snapshots = es::open_snapshot_store(db_url);
  if (!snapshots) return snapshots.error();
  // Like any release of the app, the demo reads its accounts through the bank's schema history.
  const es::Upcasters upcasters = bank::upcasters();
  es::Repository<Account> accounts(
      **store, {.snapshot_every = 10, .snapshots = snapshots->get(), .upcasters = &upcasters});

  // A suffix so that running the demo twice on one store makes new accounts.
  const std::string run = es::Uuid::v7().to_string().substr(24, 6);
  const std::string alice = "alice-" + run;
  const std::string bob = "bob-" + run;
  const es::CommandContext teller{.actor = "teller-1"};
  out << "Store: " << db_url << " — accounts " << alice << " and " << bob << "\n\n";

  auto run_command = [&](const std::string& id, auto&& command) -> es::Status {
    auto done = accounts.execute(id, command, teller);
    return done ? es::Status::ok() : done.error();
  };
  ES_RETURN_IF_ERROR(run_command(alice, [](Account& a) {
    ES_RETURN_IF_ERROR(a.open("Alice", 10'000));
    return a.deposit(50'000);
  }));
  ES_RETURN_IF_ERROR(run_command(bob, [](Account& a) { return a.open("Bob", 0); }));
  for (std::int64_t cents : {12'000, 3'050, 999}) {
    ES_RETURN_IF_ERROR(run_command(alice, [=](Account& a) { return a.deposit(cents); }));
  }
  out << "Opened both accounts; Alice deposited 500.00, 120.00, 30.50 and 9.99.\n";
  const auto checkpoint = (*store)->stream_info("account-" + alice);
  if (!checkpoint) return checkpoint.error();
  const es::Timestamp then = checkpoint->updated_at;

  // A transfer is two aggregates saved in one atomic append.
  auto from = accounts.load(alice);
  auto to = accounts.load(bob);
  if (!from || !to) return from ? to.error() : from.error();
  ES_RETURN_IF_ERROR(from->withdraw(20'000));
  ES_RETURN_IF_ERROR(to->deposit(20'000));
  ES_RETURN_IF_ERROR(accounts.save(teller, *from, *to));
  out << "Transferred 200.00 from Alice to Bob in one atomic append.\n";

  es::Status rejected = run_command(bob, [](Account& a) { return a.withdraw(1'000'000); });
  out << "Bob tries to withdraw 10000.00: " << rejected.to_string() << "\n";

  // Another teller changes Alice's account between this command's load and its save: the
  // append conflicts, and execute() reloads and runs the command again.
  int calls = 0;
  auto retried = accounts.execute(
      alice,
      [&](Account& a) {
        if (++calls == 1) {
          (void)accounts.execute(alice, [](Account& x) { return x.deposit(100); });
        }
        return a.withdraw(5'000);
      },
      teller);
  if (!retried) return retried.error();
  out << "Alice withdraws 50.00 while another teller deposits 1.00: conflict, retried, done after "
      << retried->attempts << " attempts.\n\n";

  for (const std::string& id : {alice, bob}) {
    auto a = accounts.load(id);
    if (!a) return a.error();
    out << fmt::format("Balance of {:<12} {:>10}  (version {})\n", id, money(a->balance()),
                       a->version());
  }
  auto past = accounts.load(alice, es::AsOf{then});
  if (!past) return past.error();
  out << fmt::format("Balance of {} at {}: {} — before the transfer\n\n", alice,
                     es::format_time(then), money(past->balance()));

  out << "History of " << alice << ":\n";
  std::int64_t balance = 0;
  ES_RETURN_IF_ERROR(
      (*store)->visit_stream("account-" + alice, {}, [&](const es::RecordedEvent& e) {
        balance = apply_to_balance(balance, e);
        out << fmt::format("  v{:<3} {}  {:<20} {:<28} balance {:>9}\n", e.version,
                           es::format_time(e.recorded_at), e.type, e.data, money(balance));
        return true;
      }));

  // Enough deposits to cross a snapshot interval; the next load starts from the snapshot.
  for (int i = 0; i < 12; ++i) {
    ES_RETURN_IF_ERROR(run_command(bob, [](Account& a) { return a.deposit(100); }));
  }
  const auto before = accounts.stats();
  auto loaded = accounts.load(bob);
  if (!loaded) return loaded.error();
  const auto after = accounts.stats();
  out << fmt::format(
      "\nLoaded {} (version {}, balance {}) from a snapshot: {} snapshot load, {} events "
      "replayed; {} snapshots taken so far.\n",
      bob, loaded->version(), money(loaded->balance()),
      after.snapshot_loads - before.snapshot_loads, after.events_replayed - before.events_replayed,
      after.snapshots_taken);

  // Carol's account as release 1 stored it, before opening and the first deposit were split and
  // deposits renamed; withdrawals have not changed since.
  const std::int64_t opened_with = 10'000, added = 2'550, withdrawn = 1'000;
  const std::vector<es::EventData> release_1{
      legacy::encode(
          legacy::AccountOpenedWithDepositV1{.owner = "Carol", .initial_cents = opened_with}),
      legacy::encode(legacy::FundsAdded{.amount_cents = added}),
      es::EventSet<Account::EventVariant>::encode(MoneyWithdrawn{.cents = withdrawn})};
  const std::string carol = "carol-" + run;
  const std::string legacy_stream = "account-" + carol;
  auto written = (*store)->append(legacy_stream, es::ExpectedVersion::no_stream(), release_1);
  if (!written) return written.error();
  out << "\nLegacy account " << carol << ", as release 1 stored it:\n";
  ES_RETURN_IF_ERROR((*store)->visit_stream(legacy_stream, {}, [&](const es::RecordedEvent& e) {
    out << fmt::format("  v{:<3} {:<34} {}\n", e.version,
                       fmt::format("{} v{}", e.type, e.schema_version), e.data);
    return true;
  }));
  auto legacy_account = accounts.load(carol);
  if (!legacy_account) return legacy_account.error();
  out << fmt::format(
      "Loaded through bank::upcasters(): owner {}, balance {} ({} + {} - {}), version {}.\n",
      legacy_account->owner(), money(legacy_account->balance()), money(opened_with), money(added),
      money(withdrawn), legacy_account->version());
  return show_read_models(**store, accounts, upcasters, db_url, run, bob, out);
}

}  // namespace bank
