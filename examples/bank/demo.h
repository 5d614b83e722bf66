// The bank demo behind `es demo`: accounts, deposits, an atomic transfer, a rejected
// withdrawal, a command retried after a concurrent modification, balances, a temporal query,
// one account's history event by event, a load from a snapshot, an account written by an
// older release loaded through the upcasters — on any store URL — and, on SQLite, the balances
// and daily-totals read models (bank/read_models.h) caught up, shown, and read after a write.
#pragma once

#include <ostream>
#include <string>

#include "es/core/status.h"

namespace bank {

es::Status run_demo(const std::string& db_url, std::ostream& out);

}  // namespace bank
