// A child process for the postgres projection crash test: runs the ledger projection
// exactly-once on a postgres store (run_postgres_projection, the read model in the store's own
// schema) until it is killed, reporting each committed batch on stdout.
//
//   postgres_projection_child URL SCHEMA
// Each committed batch is one line "ledger EVENTS - POSITION\n" (the shape ChildProcess parses),
// written with one write(2). Exit status: 2 when the projection fails, 64 usage.

#include <cstdio>
#include <string>

#include "es/projection/runner.h"
#include "es/store/postgres_store.h"
#include "projection/child_main.h"
#include "projection/ledger.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s URL SCHEMA\n", argv[0]);
    return 64;
  }
  const es::PostgresOptions options{.schema = argv[2]};
  auto store = es::open_postgres(argv[1], options);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().to_string().c_str());
    return 2;
  }
  const es::Projection<es::Tx> ledger = es::testing::ledger_projection();
  auto running = es::run_postgres_projection(
      **store, argv[1], ledger,
      {.page_size = 20, .on_progress = es::testing::report_progress("ledger")}, options);
  return es::testing::run_until_killed(running);
}
