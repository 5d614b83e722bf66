// A child process for the postgres projection crash tests: runs the ledger projection
// exactly-once on a postgres store (run_postgres_projection, the read model in the store's own
// schema) until it is killed, reporting each committed batch on stdout. Given POSITION, its
// handler fails on the event there, which is parked at the first failure in the schema's
// dead-letter queue.
//
//   postgres_projection_child URL SCHEMA [POSITION]
// Each committed batch is one line "ledger EVENTS - POSITION\n" (the shape ChildProcess parses),
// written with one write(2). Exit status: 2 when the projection fails, 64 usage.

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "es/projection/runner.h"
#include "es/store/postgres_store.h"
#include "projection/child_main.h"
#include "projection/ledger.h"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s URL SCHEMA [POSITION]\n", argv[0]);
    return 64;
  }
  const es::PostgresOptions options{.schema = argv[2]};
  auto store = es::open_postgres(argv[1], options);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().to_string().c_str());
    return 2;
  }
  es::ProjectionOptions projection{.page_size = 20};
  projection.on_progress = es::testing::report_progress("ledger");
  std::optional<es::Position> failing;
  std::unique_ptr<es::DeadLetterStore> letters;
  if (argc == 4) {
    auto position = es::Position::parse(argv[3]);
    auto opened = es::open_postgres_dead_letter_store(argv[1], options);
    if (!position || !opened) {
      std::fprintf(stderr, "bad position or dead-letter store\n");
      return 2;
    }
    failing = *position;
    letters = std::move(*opened);
    projection.dead_letters = letters.get();
    projection.retry = {.max_attempts = 1};
  }
  const es::Projection<es::Tx> ledger = es::testing::ledger_projection(failing);
  auto running = es::run_postgres_projection(**store, argv[1], ledger, projection, options);
  return es::testing::run_until_killed(running);
}
