// kill -9 of a process running an exactly-once projection on SQLite that dead-letters a failing
// event: the parked letters, the read model and the checkpoint it leaves agree, and a restart
// with a fixed handler and a retry equals a full fold (projection/dlq_crash_check.h).
#include <gtest/gtest.h>

#include "es/projection/runner.h"
#include "es/store/sqlite_store.h"
#include "projection/dlq_crash_check.h"
#include "projection/ledger.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

TEST(DeadLetterCrash, AKilledRunnerLeavesLettersReadModelAndCheckpointInAgreement) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  SqliteOptions fast;  // filling the store needs no durability
  fast.synchronous = SqliteOptions::Synchronous::kOff;
  auto store = open_sqlite(path, fast);
  ES_ASSERT_OK(store);
  append_ledger_events(**store, 6000);
  const RecordedEvent failing = read_everything(**store)[200];
  ASSERT_NE(failing.type, "ledger.Audited");

  ASSERT_NO_FATAL_FAILURE(kill_child_past({path, failing.position.to_string()}, failing.position));
  EXPECT_EQ(integrity_check(path), "ok");

  auto checkpoints = open_sqlite_checkpoint_store(path);
  ES_ASSERT_OK(checkpoints);
  auto letters = open_sqlite_dead_letter_store(path);
  ES_ASSERT_OK(letters);
  expect_agreement_then_retry(
      **store, failing,
      {.checkpoints = checkpoints->get(),
       .letters = letters->get(),
       .balances = [&] { return stored_balances(path); },
       .run =
           [&](const Projection<Tx>& projection, const ProjectionOptions& options) {
             return run_sqlite_projection(**store, path, projection, options);
           }});
}

}  // namespace
}  // namespace es::testing
