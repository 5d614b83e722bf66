// A child process for the consumer-group test: member K of N of the "handled" projection, run
// exactly-once on a SQLite store, recording each ledger event it handles in the table `handled`
// of the same file, until it is killed.
//
//   group_child DB K N
// Each committed batch is one line "member-K EVENTS - POSITION\n" (the shape ChildProcess
// parses), written with one write(2). Exit status: 2 when the projection fails, 64 usage.

#include <cstdio>
#include <string>

#include "es/projection/runner.h"
#include "es/store/sqlite_store.h"
#include "projection/child_main.h"
#include "projection/ledger.h"

namespace {

es::Projection<es::Tx> handled_projection(std::uint32_t member) {
  es::Projection<es::Tx> p("handled");
  p.on_start([](es::Tx& tx) {
    return tx.exec(
        "CREATE TABLE IF NOT EXISTS handled (stream TEXT NOT NULL, version INTEGER NOT NULL, "
        "member INTEGER NOT NULL)");
  });
  auto record = [member](const es::RecordedEvent& e, es::Tx& tx) {
    return tx.exec("INSERT INTO handled (stream, version, member) VALUES (?1, ?2, ?3)", e.stream,
                   e.version, member);
  };
  p.on<es::testing::Deposited>([record](const es::Envelope<es::testing::Deposited>& e, es::Tx& tx) {
    return record(e.recorded, tx);
  });
  p.on<es::testing::Withdrawn>([record](const es::Envelope<es::testing::Withdrawn>& e, es::Tx& tx) {
    return record(e.recorded, tx);
  });
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DB K N\n", argv[0]);
    return 64;
  }
  const auto member = static_cast<std::uint32_t>(std::stoul(argv[2]));
  const auto members = static_cast<std::uint32_t>(std::stoul(argv[3]));
  auto store = es::open_sqlite(argv[1]);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().to_string().c_str());
    return 2;
  }
  const es::Projection<es::Tx> handled = handled_projection(member);
  es::ProjectionOptions options{.page_size = 50,
                                .group = es::ConsumerGroup{.member = member, .members = members}};
  options.on_progress = es::testing::report_progress("member-" + std::to_string(member));
  auto running = es::run_sqlite_projection(**store, argv[1], handled, options);
  return es::testing::run_until_killed(running);
}
