#include "bank/read_models.h"

#include <sqlite3.h>

#include <functional>
#include <memory>

#include "bank/account.h"

namespace bank {
namespace {

std::string account_of(const es::RecordedEvent& e) {
  constexpr std::string_view kPrefix = "account-";
  std::string_view stream = e.stream;
  if (stream.starts_with(kPrefix)) stream.remove_prefix(kPrefix.size());
  return std::string(stream);
}

// Adds one movement to its day; `deposit` in cents or 0, `withdrawal` in cents or 0.
es::Status add_to_day(es::Tx& tx, const es::RecordedEvent& e, std::int64_t deposit,
                      std::int64_t withdrawal) {
  return tx.exec(
      "INSERT INTO bank_daily_totals (day, deposited_cents, withdrawn_cents, deposits, "
      "withdrawals) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (day) DO UPDATE SET "
      "deposited_cents = deposited_cents + excluded.deposited_cents, "
      "withdrawn_cents = withdrawn_cents + excluded.withdrawn_cents, "
      "deposits = deposits + excluded.deposits, withdrawals = withdrawals + excluded.withdrawals",
      es::format_time(e.recorded_at).substr(0, 10), deposit, withdrawal, deposit > 0 ? 1 : 0,
      withdrawal > 0 ? 1 : 0);
}

// Runs `sql` on a read-only connection to `path`, calling `row` for each result row.
es::Status query(const std::string& path, const char* sql,
                 const std::function<void(sqlite3_stmt*)>& row) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  const std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close_v2);
  if (rc != SQLITE_OK) return es::Status::not_found("cannot open " + path);
  sqlite3_busy_timeout(raw, 5'000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(raw, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    return es::Status::internal(std::string("read model query: ") + sqlite3_errmsg(raw));
  }
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  for (;;) {
    const int step = sqlite3_step(stmt);
    if (step == SQLITE_DONE) return es::Status::ok();
    if (step != SQLITE_ROW) {
      return es::Status::internal(std::string("read model query: ") + sqlite3_errmsg(raw));
    }
    row(stmt);
  }
}

std::string text(sqlite3_stmt* stmt, int column) {
  const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return t == nullptr ? std::string() : std::string(t);
}

}  // namespace

es::Projection<es::Tx> balances_projection(const es::Upcasters& history) {
  es::Projection<es::Tx> p("bank-balances");
  p.with_upcasters(&history);
  p.on_start([](es::Tx& tx) {
    return tx.exec(
        "CREATE TABLE IF NOT EXISTS bank_balances (account TEXT PRIMARY KEY, owner TEXT NOT "
        "NULL, cents INTEGER NOT NULL, closed INTEGER NOT NULL) WITHOUT ROWID");
  });
  p.on_clear([](es::Tx& tx) { return tx.exec("DELETE FROM bank_balances"); });
  p.on<AccountOpened>([](const es::Envelope<AccountOpened>& e, es::Tx& tx) {
    return tx.exec(
        "INSERT INTO bank_balances (account, owner, cents, closed) VALUES (?1, ?2, 0, 0)",
        account_of(e.recorded), e.event.owner);
  });
  p.on<MoneyDeposited>([](const es::Envelope<MoneyDeposited>& e, es::Tx& tx) {
    return tx.exec("UPDATE bank_balances SET cents = cents + ?2 WHERE account = ?1",
                   account_of(e.recorded), e.event.cents);
  });
  p.on<MoneyWithdrawn>([](const es::Envelope<MoneyWithdrawn>& e, es::Tx& tx) {
    return tx.exec("UPDATE bank_balances SET cents = cents - ?2 WHERE account = ?1",
                   account_of(e.recorded), e.event.cents);
  });
  p.on<AccountClosed>([](const es::Envelope<AccountClosed>& e, es::Tx& tx) {
    return tx.exec("UPDATE bank_balances SET closed = 1 WHERE account = ?1",
                   account_of(e.recorded));
  });
  return p;
}

es::Projection<es::Tx> daily_totals_projection(const es::Upcasters& history) {
  es::Projection<es::Tx> p("bank-daily-totals");
  p.with_upcasters(&history);
  p.on_start([](es::Tx& tx) {
    return tx.exec(
        "CREATE TABLE IF NOT EXISTS bank_daily_totals (day TEXT PRIMARY KEY, deposited_cents "
        "INTEGER NOT NULL, withdrawn_cents INTEGER NOT NULL, deposits INTEGER NOT NULL, "
        "withdrawals INTEGER NOT NULL) WITHOUT ROWID");
  });
  p.on_clear([](es::Tx& tx) { return tx.exec("DELETE FROM bank_daily_totals"); });
  p.on<MoneyDeposited>([](const es::Envelope<MoneyDeposited>& e, es::Tx& tx) {
    return add_to_day(tx, e.recorded, e.event.cents, 0);
  });
  p.on<MoneyWithdrawn>([](const es::Envelope<MoneyWithdrawn>& e, es::Tx& tx) {
    return add_to_day(tx, e.recorded, 0, e.event.cents);
  });
  return p;
}

es::Result<std::vector<BalanceRow>> query_balances(const std::string& path) {
  std::vector<BalanceRow> rows;
  ES_RETURN_IF_ERROR(query(path,
                           "SELECT account, owner, cents, closed FROM bank_balances ORDER BY "
                           "account",
                           [&](sqlite3_stmt* s) {
                             rows.push_back({text(s, 0), text(s, 1), sqlite3_column_int64(s, 2),
                                             sqlite3_column_int64(s, 3) != 0});
                           }));
  return rows;
}

es::Result<std::vector<DailyTotalRow>> query_daily_totals(const std::string& path) {
  std::vector<DailyTotalRow> rows;
  ES_RETURN_IF_ERROR(query(path,
                           "SELECT day, deposited_cents, withdrawn_cents, deposits, withdrawals "
                           "FROM bank_daily_totals ORDER BY day",
                           [&](sqlite3_stmt* s) {
                             rows.push_back({text(s, 0), sqlite3_column_int64(s, 1),
                                             sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3),
                                             sqlite3_column_int64(s, 4)});
                           }));
  return rows;
}

}  // namespace bank
