// kill -9 of a process running an exactly-once projection that dead-letters a failing event:
// the parked letters, the read model and the checkpoint it leaves agree (each parked event is
// at or before the checkpoint and absent from the read model; nothing past the checkpoint is
// applied or parked), and a restart with a fixed handler and a retry equals a full fold.
#include <gtest/gtest.h>

#include "es/projection/runner.h"
#include "es/store/sqlite_store.h"
#include "projection/ledger.h"
#include "sqlite/child_process.h"
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
  auto head = (*store)->head_position();
  ES_ASSERT_OK(head);
  const auto stored = read_everything(**store);
  const RecordedEvent& failing = stored[200];
  ASSERT_NE(failing.type, "ledger.Audited");

  ChildProcess child({path, failing.position.to_string()});
  // Killed a few units after it parked the failing event.
  std::size_t past_failing = 0;
  while (past_failing < 3) {
    ASSERT_TRUE(child.read_some(std::chrono::milliseconds(60'000))) << "the child exited early";
    past_failing = 0;
    for (const ChildAck& ack : child.acks()) {
      auto reached = Position::parse(ack.position);
      ASSERT_TRUE(reached.has_value());
      past_failing += *reached > failing.position;
    }
  }
  child.kill_hard();
  EXPECT_EQ(child.wait(), 128 + 9);

  auto checkpoints = open_sqlite_checkpoint_store(path);
  ES_ASSERT_OK(checkpoints);
  auto checkpoint = (*checkpoints)->load("ledger");
  ES_ASSERT_OK(checkpoint);
  ASSERT_TRUE(checkpoint->has_value());
  ASSERT_GE(**checkpoint, failing.position);
  EXPECT_LT(**checkpoint, *head) << "the child finished before it was killed";
  // Parked: exactly the handled events of the failing stream from the failing one up to the
  // checkpoint.
  std::vector<Position> expected_letters;
  for (const RecordedEvent& e : stored) {
    if (e.stream == failing.stream && e.position >= failing.position &&
        e.position <= **checkpoint && e.type != "ledger.Audited") {
      expected_letters.push_back(e.position);
    }
  }
  auto letters = open_sqlite_dead_letter_store(path);
  ES_ASSERT_OK(letters);
  auto parked = (*letters)->list("ledger");
  ES_ASSERT_OK(parked);
  std::vector<Position> parked_positions;
  for (const DeadLetter& letter : *parked) parked_positions.push_back(letter.position);
  EXPECT_EQ(parked_positions, expected_letters);
  EXPECT_EQ(stored_balances(path),
            expected_balances(**store, **checkpoint, {{failing.stream, failing.position}}));
  EXPECT_EQ(integrity_check(path), "ok");

  ES_ASSERT_OK((*letters)->retry("ledger"));
  const Projection<Tx> fixed = ledger_projection();
  auto again = run_sqlite_projection(**store, path, fixed,
                                     {.stop_at_head = true, .dead_letters = letters->get()});
  ES_ASSERT_OK(again);
  ASSERT_TRUE(again->wait_stopped(std::chrono::milliseconds(60'000)));
  ES_ASSERT_OK(again->status());
  EXPECT_EQ((*letters)->count("ledger").value_or(99), 0U);
  EXPECT_EQ(stored_balances(path), expected_balances(**store, *head));
}

}  // namespace
}  // namespace es::testing
