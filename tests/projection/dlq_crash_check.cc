#include "projection/dlq_crash_check.h"

#include <gtest/gtest.h>

#include "projection/ledger.h"
#include "sqlite/child_process.h"
#include "support/events.h"

namespace es::testing {

void kill_child_past(const std::vector<std::string>& args, Position failing) {
  ChildProcess child(args);
  std::size_t past_failing = 0;
  while (past_failing < 3) {
    ASSERT_TRUE(child.read_some(std::chrono::milliseconds(60'000))) << "the child exited early";
    past_failing = 0;
    for (const ChildAck& ack : child.acks()) {
      auto reached = Position::parse(ack.position);
      ASSERT_TRUE(reached.has_value());
      past_failing += *reached > failing;
    }
  }
  child.kill_hard();
  EXPECT_EQ(child.wait(), 128 + 9);
}

void expect_agreement_then_retry(EventStore& store, const RecordedEvent& failing,
                                 const KilledReadModel& model) {
  auto head = store.head_position();
  ES_ASSERT_OK(head);
  auto checkpoint = model.checkpoints->load("ledger");
  ES_ASSERT_OK(checkpoint);
  ASSERT_TRUE(checkpoint->has_value());
  ASSERT_GE(**checkpoint, failing.position);
  EXPECT_LT(**checkpoint, *head) << "the child finished before it was killed";
  auto parked = model.letters->list("ledger");
  ES_ASSERT_OK(parked);
  std::vector<Position> parked_positions;
  for (const DeadLetter& letter : *parked) parked_positions.push_back(letter.position);
  EXPECT_EQ(parked_positions, expected_letters(store, failing, **checkpoint));
  EXPECT_EQ(model.balances(),
            expected_balances(store, **checkpoint, {{failing.stream, failing.position}}));

  ES_ASSERT_OK(model.letters->retry("ledger"));
  const Projection<Tx> fixed = ledger_projection();
  auto again = model.run(fixed, {.stop_at_head = true, .dead_letters = model.letters});
  ES_ASSERT_OK(again);
  ASSERT_TRUE(again->wait_stopped(std::chrono::milliseconds(60'000)));
  ES_ASSERT_OK(again->status());
  EXPECT_EQ(model.letters->count("ledger").value_or(99), 0U);
  EXPECT_EQ(model.balances(), expected_balances(store, *head));
}

}  // namespace es::testing
