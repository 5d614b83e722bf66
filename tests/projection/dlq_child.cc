// A child process for the dead-letter crash test: runs the ledger projection exactly-once on a
// SQLite store with a dead-letter queue, its handler failing on the event at POSITION (parked
// at the first failure), until it is killed, reporting each committed unit on stdout.
//
//   dlq_child DB POSITION
// Each report is one line "ledger EVENTS - POSITION\n" (the shape ChildProcess parses), written
// with one write(2). Exit status: 2 when the projection fails, 64 usage.

#include <cstdio>
#include <string>

#include "es/projection/runner.h"
#include "es/store/sqlite_store.h"
#include "projection/child_main.h"
#include "projection/ledger.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DB POSITION\n", argv[0]);
    return 64;
  }
  auto failing = es::Position::parse(argv[2]);
  auto store = es::open_sqlite(argv[1]);
  auto letters = es::open_sqlite_dead_letter_store(argv[1]);
  if (!failing || !store || !letters) {
    std::fprintf(stderr, "bad position or store\n");
    return 2;
  }
  const es::Projection<es::Tx> ledger = es::testing::ledger_projection(*failing);
  es::ProjectionOptions options{
      .page_size = 20, .dead_letters = letters->get(), .retry = {.max_attempts = 1}};
  options.on_progress = es::testing::report_progress("ledger");
  auto running = es::run_sqlite_projection(**store, argv[1], ledger, options);
  return es::testing::run_until_killed(running);
}
