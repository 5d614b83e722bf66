// kill -9 of a process running an exactly-once projection on PostgreSQL mid catch-up: the read
// model it leaves in the store's schema is exactly the fold of the events up to its checkpoint,
// and a restart counts every event exactly once (it ends equal to a fresh rebuild). With a
// dead-letter queue, the letters it parked agree with the read model and the checkpoint, and a
// retry after the restart equals a full fold (projection/dlq_crash_check.h).
#include <gtest/gtest.h>

#include "es/projection/runner.h"
#include "postgres/raw_postgres.h"
#include "projection/dlq_crash_check.h"
#include "projection/ledger.h"
#include "sqlite/child_process.h"
#include "support/events.h"
#include "support/postgres.h"

namespace es::testing {
namespace {

std::vector<std::string> balances(const std::string& url, const std::string& schema) {
  return pg_query(url, schema,
                  "SELECT account || '=' || cents FROM balances ORDER BY account COLLATE \"C\"");
}

TEST(PostgresProjectionCrash, AKilledRunnerLeavesACheckpointConsistentReadModelAndResumes) {
  const std::string url = test_pg_url();
  ASSERT_FALSE(url.empty());
  const PostgresOptions options{.schema = fresh_pg_schema()};
  auto store = open_postgres(url, options);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  append_ledger_events(**store, 6000);
  auto head = (*store)->head_position();
  ASSERT_TRUE(head.has_value());

  ChildProcess child({url, options.schema});
  while (child.complete_lines() < 3) {
    ASSERT_TRUE(child.read_some(std::chrono::milliseconds(60'000))) << "the child exited early";
  }
  child.kill_hard();
  EXPECT_EQ(child.wait(), 128 + 9);

  auto checkpoints = open_postgres_checkpoint_store(url, options);
  ASSERT_TRUE(checkpoints.has_value());
  auto checkpoint = (*checkpoints)->load("ledger");
  ASSERT_TRUE(checkpoint.has_value() && checkpoint->has_value());
  EXPECT_LT(**checkpoint, *head) << "the child finished before it was killed";
  EXPECT_EQ(balances(url, options.schema), expected_balances(**store, **checkpoint));

  const Projection<Tx> ledger = ledger_projection();
  auto again = run_postgres_projection(**store, url, ledger, {}, options);
  ASSERT_TRUE(again.has_value()) << again.error().to_string();
  ASSERT_TRUE(again->wait_for(*head, std::chrono::milliseconds(60'000)))
      << again->status().to_string();
  ASSERT_TRUE(again->stop().is_ok());
  const PostgresOptions fresh{.schema = options.schema + "_fresh"};
  ASSERT_TRUE(rebuild_postgres_projection(**store, url, ledger, {}, fresh).is_ok());
  EXPECT_EQ(balances(url, options.schema), balances(url, fresh.schema));
  EXPECT_EQ(balances(url, options.schema), expected_balances(**store, *head));
}

TEST(PostgresProjectionCrash,
     AKilledDeadLetteringRunnerLeavesLettersReadModelAndCheckpointAgreeing) {
  const std::string url = test_pg_url();
  ASSERT_FALSE(url.empty());
  const PostgresOptions options{.schema = fresh_pg_schema()};
  auto store = open_postgres(url, options);
  ES_ASSERT_OK(store);
  append_ledger_events(**store, 6000);
  const RecordedEvent failing = read_everything(**store)[200];
  ASSERT_NE(failing.type, "ledger.Audited");

  ASSERT_NO_FATAL_FAILURE(
      kill_child_past({url, options.schema, failing.position.to_string()}, failing.position));

  auto checkpoints = open_postgres_checkpoint_store(url, options);
  ES_ASSERT_OK(checkpoints);
  auto letters = open_postgres_dead_letter_store(url, options);
  ES_ASSERT_OK(letters);
  expect_agreement_then_retry(
      **store, failing,
      {.checkpoints = checkpoints->get(),
       .letters = letters->get(),
       .balances = [&] { return balances(url, options.schema); },
       .run =
           [&](const Projection<Tx>& projection, const ProjectionOptions& run_options) {
             return run_postgres_projection(**store, url, projection, run_options, options);
           }});
}

}  // namespace
}  // namespace es::testing
