// `es demo`: runs the bank example on the store (by default ./events.db, the embedded SQLite).
#include <iostream>

#include "bank/demo.h"
#include "command.h"
#include "exit_code.h"
#include "open_store.h"

namespace es::cli {

void add_demo_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto* cmd = app.add_subcommand(
      "demo",
      "Run the bank example: accounts, a transfer, a rejected withdrawal, a retried "
      "conflict, balances now and in the past, a history, a snapshot load, an account of an "
      "older release loaded through the upcasters, and the balances and daily-totals read "
      "models (SQLite)");
  cmd->callback([&global, &run] {
    run = [&global] {
      if (const int refused = refuse_tenant(global, "es demo")) return refused;
      const Status status = bank::run_demo(global.db, std::cout);
      return status.is_ok() ? 0 : report(status);
    };
  });
}

}  // namespace es::cli
