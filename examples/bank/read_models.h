// The bank's read models, tables in the store's own SQLite file kept exactly-once by
// es::run_sqlite_projection (each batch of events and the checkpoint commit together):
//
//   bank_balances      one row per account: owner, balance in cents, closed (0/1)
//   bank_daily_totals  one row per UTC day of recorded_at: money deposited and withdrawn, counts
//
// Both read account streams through the bank's schema history (bank/upcasters.h), so accounts
// written by older releases count like the others. query_* read the tables back, as any SQLite
// client could.
//
// Thread safety: the projections as es::Projection; query_* open a connection of their own.
//
//   const es::Upcasters history = bank::upcasters();
//   const auto balances = bank::balances_projection(history);
//   auto running = es::run_sqlite_projection(*store, "events.db", balances);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "es/domain/upcaster.h"
#include "es/projection/projection.h"
#include "es/projection/tx.h"

namespace bank {

// Checkpoint "bank-balances"; `history` must outlive the projection.
es::Projection<es::Tx> balances_projection(const es::Upcasters& history);
// Checkpoint "bank-daily-totals"; `history` must outlive the projection.
es::Projection<es::Tx> daily_totals_projection(const es::Upcasters& history);

struct BalanceRow {
  std::string account;  // the account id (its stream without "account-")
  std::string owner;
  std::int64_t cents = 0;
  bool closed = false;
};
struct DailyTotalRow {
  std::string day;  // YYYY-MM-DD, UTC
  std::int64_t deposited_cents = 0;
  std::int64_t withdrawn_cents = 0;
  std::int64_t deposits = 0;
  std::int64_t withdrawals = 0;
};

// The tables of the SQLite file at `path`, by account and by day.
es::Result<std::vector<BalanceRow>> query_balances(const std::string& path);
es::Result<std::vector<DailyTotalRow>> query_daily_totals(const std::string& path);

}  // namespace bank
