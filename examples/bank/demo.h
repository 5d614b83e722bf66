// The bank demo behind `es demo`: accounts, deposits, an atomic transfer, a rejected
// withdrawal, a command retried after a concurrent modification, balances, a temporal query,
// one account's history event by event, a load from a snapshot, and an account written by an
// older release loaded through the upcasters — on any store URL.
#pragma once

#include <ostream>
#include <string>

#include "es/core/status.h"

namespace bank {

es::Status run_demo(const std::string& db_url, std::ostream& out);

}  // namespace bank
