// A child process for the projection crash test: runs the ledger projection exactly-once on a
// SQLite store until it is killed, reporting each committed batch on stdout.
//
//   projection_child DB
// Each committed batch is one line "ledger EVENTS - POSITION\n" (the shape ChildProcess parses),
// written with one write(2). Exit status: 2 when the projection fails, 64 usage.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "es/projection/runner.h"
#include "es/store/sqlite_store.h"
#include "projection/ledger.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DB\n", argv[0]);
    return 64;
  }
  auto store = es::open_sqlite(argv[1]);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().to_string().c_str());
    return 2;
  }
  const es::Projection<es::Tx> ledger = es::testing::ledger_projection();
  auto running = es::run_sqlite_projection(
      **store, argv[1], ledger,
      {.page_size = 20, .on_progress = [](const es::SubscriptionProgress& p) {
         const std::string line =
             "ledger " + std::to_string(p.events) + " - " + p.delivered.to_string() + "\n";
         (void)!::write(STDOUT_FILENO, line.data(), line.size());
       }});
  if (!running) {
    std::fprintf(stderr, "run: %s\n", running.error().to_string().c_str());
    return 2;
  }
  // Runs until killed; returns only if the projection stopped on an error.
  while (!running->wait_stopped(std::chrono::seconds(60))) {
  }
  std::fprintf(stderr, "projection stopped: %s\n", running->status().to_string().c_str());
  return 2;
}
