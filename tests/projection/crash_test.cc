// kill -9 of a process running an exactly-once projection mid catch-up: the read model it leaves
// is exactly the fold of the events up to its checkpoint, and a restart ends equal to a fresh
// rebuild.
#include <gtest/gtest.h>

#include "es/projection/runner.h"
#include "es/store/sqlite_store.h"
#include "projection/ledger.h"
#include "sqlite/child_process.h"
#include "sqlite/raw_sqlite.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

TEST(ProjectionCrash, AKilledRunnerLeavesACheckpointConsistentReadModelAndResumes) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  SqliteOptions fast;  // filling the store needs no durability
  fast.synchronous = SqliteOptions::Synchronous::kOff;
  auto store = open_sqlite(path, fast);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  append_ledger_events(**store, 6000);
  auto head = (*store)->head_position();
  ASSERT_TRUE(head.has_value());

  ChildProcess child({path});
  while (child.complete_lines() < 3) {
    ASSERT_TRUE(child.read_some(std::chrono::milliseconds(60'000))) << "the child exited early";
  }
  child.kill_hard();
  EXPECT_EQ(child.wait(), 128 + 9);

  auto checkpoints = open_sqlite_checkpoint_store(path);
  ASSERT_TRUE(checkpoints.has_value());
  auto checkpoint = (*checkpoints)->load("ledger");
  ASSERT_TRUE(checkpoint.has_value() && checkpoint->has_value());
  EXPECT_LT(**checkpoint, *head) << "the child finished before it was killed";
  EXPECT_EQ(stored_balances(path), expected_balances(**store, **checkpoint));
  EXPECT_EQ(integrity_check(path), "ok");

  const Projection<Tx> ledger = ledger_projection();
  auto again = run_sqlite_projection(**store, path, ledger);
  ASSERT_TRUE(again.has_value()) << again.error().to_string();
  ASSERT_TRUE(again->wait_for(*head, std::chrono::milliseconds(60'000)))
      << again->status().to_string();
  ASSERT_TRUE(again->stop().is_ok());
  const std::string fresh = dir.file("fresh.db");
  ASSERT_TRUE(rebuild_sqlite_projection(**store, fresh, ledger).is_ok());
  EXPECT_EQ(stored_balances(path), stored_balances(fresh));
  EXPECT_EQ(stored_balances(path), expected_balances(**store, *head));
}

}  // namespace
}  // namespace es::testing
