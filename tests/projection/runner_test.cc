// Projection runners on every backend: exactly-once read models in a SQLite file (the store's
// own file for the SQLite backend) or, beside the postgres store, in a PostgreSQL schema;
// at-least-once ones with the Deduplicator, rebuilds, and
// typed decoding through upcasters.
#include "es/projection/runner.h"

#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <map>

#include "es/domain/event_set.h"
#include "es/projection/deduplicator.h"
#include "projection/ledger.h"
#include "projection/projection_backends.h"

namespace es::testing {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kPatience{60'000};

class RunnerTest : public ProjectionTest {
 protected:
  Position head() {
    auto h = store().head_position();
    EXPECT_TRUE(h.has_value()) << h.error().to_string();
    return h.value_or(Position::start());
  }
  // The checkpoint the exactly-once runner committed in the read model.
  std::optional<Position> committed_checkpoint() { return committed_in(read_model(), "ledger"); }
  std::vector<std::string> stored_model() { return balances_in(read_model()); }
  // The ledger rebuilt from scratch into a read model of its own.
  std::vector<std::string> fresh_rebuild() {
    const ReadModelPlace fresh = fresh_read_model();
    const Projection<Tx> ledger = ledger_projection();
    const Status s = rebuild_exactly_once(ledger, {}, &fresh);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return balances_in(fresh);
  }
};

TEST_P(RunnerTest, AnExactlyOnceReadModelFollowsCatchUpAndThenLiveAppends) {
  append_ledger_events(store(), 500);
  const Projection<Tx> ledger = ledger_projection();
  auto running = run_exactly_once(ledger, {.page_size = 64});
  ES_ASSERT_OK(running);
  ASSERT_TRUE(running->wait_for(head(), kPatience)) << running->status().to_string();
  EXPECT_EQ(stored_model(), expected_balances(store(), head()));
  append_ledger_events(store(), 200);
  ASSERT_TRUE(running->wait_for(head(), kPatience)) << running->status().to_string();
  ES_ASSERT_OK(running->stop());
  EXPECT_EQ(stored_model(), expected_balances(store(), head()));
  // Audits at the head are filtered out, yet the checkpoint moved past them.
  EXPECT_EQ(committed_checkpoint(), std::optional<Position>(head()));
}

TEST_P(RunnerTest, AFailingHandlerRollsBackItsBatchAndARestartEqualsAFreshRebuild) {
  append_ledger_events(store(), 1000);
  const auto stored = read_everything(store());
  const Position failing = stored[537].position;
  const Projection<Tx> broken = ledger_projection(failing);
  auto running = run_exactly_once(broken, {.page_size = 100});
  ES_ASSERT_OK(running);
  ASSERT_TRUE(running->wait_stopped(kPatience));
  EXPECT_EQ(running->status().code(), StatusCode::kRejected) << running->status().to_string();
  const auto checkpoint = committed_checkpoint();
  ASSERT_TRUE(checkpoint.has_value());
  EXPECT_LT(*checkpoint, failing);
  // Exactly-once: the read model is the fold of the events up to its checkpoint, no more.
  EXPECT_EQ(stored_model(), expected_balances(store(), *checkpoint));

  const Projection<Tx> fixed = ledger_projection();
  auto again = run_exactly_once(fixed);
  ES_ASSERT_OK(again);
  ASSERT_TRUE(again->wait_for(head(), kPatience)) << again->status().to_string();
  ES_ASSERT_OK(again->stop());
  EXPECT_EQ(stored_model(), fresh_rebuild());
}

TEST_P(RunnerTest, ARunnerStoppedMidCatchUpResumesAndEqualsAFreshRebuild) {
  append_ledger_events(store(), 3000);
  const Projection<Tx> ledger = ledger_projection();
  std::latch first_batch(1);
  std::promise<void> resume;
  std::shared_future<void> resumed = resume.get_future().share();
  bool counted = false;
  // The first batch's progress callback holds the runner until the stop is requested.
  auto running = run_exactly_once(ledger, {.page_size = 50, .on_progress = [&](const auto&) {
                                             if (std::exchange(counted, true)) return;
                                             first_batch.count_down();
                                             resumed.wait();
                                           }});
  ES_ASSERT_OK(running);
  first_batch.wait();
  running->request_stop();
  resume.set_value();
  ES_ASSERT_OK(running->stop());
  const auto checkpoint = committed_checkpoint();
  ASSERT_TRUE(checkpoint.has_value());
  EXPECT_LT(*checkpoint, head()) << "stopped mid catch-up";
  EXPECT_EQ(stored_model(), expected_balances(store(), *checkpoint));

  auto again = run_exactly_once(ledger);
  ES_ASSERT_OK(again);
  ASSERT_TRUE(again->wait_for(head(), kPatience)) << again->status().to_string();
  ES_ASSERT_OK(again->stop());
  EXPECT_EQ(stored_model(), fresh_rebuild());
}

TEST_P(RunnerTest, ARebuildClearsTheReadModelAndReplaysWithProgress) {
  append_ledger_events(store(), 400);
  const Projection<Tx> ledger = ledger_projection();
  {
    auto running = run_exactly_once(ledger);
    ES_ASSERT_OK(running);
    ASSERT_TRUE(running->wait_for(head(), kPatience));
  }
  exec_in(read_model(), "UPDATE balances SET cents = 0");  // a read model gone wrong
  std::vector<SubscriptionProgress> progress;
  ES_ASSERT_OK(rebuild_exactly_once(
      ledger, {.page_size = 100, .on_progress = [&](const auto& p) { progress.push_back(p); }}));
  EXPECT_EQ(stored_model(), expected_balances(store(), head()));
  ASSERT_GE(progress.size(), 2U);
  EXPECT_EQ(progress.back().delivered, head());
  EXPECT_LT(progress.front().delivered, progress.back().delivered);
}

TEST_P(RunnerTest, TxBindsEveryValueKindAndAFailedStatementFailsTheTransaction) {
  Projection<Tx> typed("typed");
  typed.on_start([](Tx& tx) -> Status {
    ES_RETURN_IF_ERROR(
        tx.exec("CREATE TABLE IF NOT EXISTS kinds (i BIGINT, d DOUBLE PRECISION, s TEXT, n TEXT, o "
                "BIGINT)"));
    ES_RETURN_IF_ERROR(tx.exec("DELETE FROM kinds"));
    ES_RETURN_IF_ERROR(tx.exec("INSERT INTO kinds VALUES (?1, ?2, ?3, ?4, ?5)", 42U, 2.5,
                               std::string("text"), nullptr, std::optional<int>()));
    int rows = 0;
    ES_RETURN_IF_ERROR(tx.query("SELECT i, d, s, n, o FROM kinds", [&](const Row& r) {
      ++rows;
      EXPECT_EQ(r.integer(0), 42);
      EXPECT_EQ(r.real(1), 2.5);
      EXPECT_EQ(r.text(2), "text");
      EXPECT_TRUE(r.is_null(3));
      EXPECT_TRUE(r.is_null(4));
    }));
    EXPECT_EQ(rows, 1);
    auto count = tx.query_int("SELECT count(*) FROM kinds WHERE s = ?1", "text");
    if (!count) return count.error();
    EXPECT_EQ(*count, std::optional<std::int64_t>(1));
    auto none = tx.query_int("SELECT i FROM kinds WHERE s = ?1", "absent");
    if (!none) return none.error();
    EXPECT_FALSE(none->has_value());
    return Status::ok();
  });
  {
    auto running = run_exactly_once(typed);
    ES_ASSERT_OK(running);
  }
  Projection<Tx> broken("broken");
  broken.on_start([](Tx& tx) {
    // Five placeholders, one value; the handler ignores the error, the transaction does not.
    (void)tx.exec("INSERT INTO kinds VALUES (?1, ?2, ?3, ?4, ?5)", 1);
    return Status::ok();
  });
  auto refused = run_exactly_once(broken);
  EXPECT_EQ(code_of(refused), StatusCode::kInvalidArgument);
}

TEST_P(RunnerTest, TypedHandlersReadUpcastEvents) {
  // Old deposits were stored as "ledger.Credit" {"amount": n}; the code reads ledger.Deposited.
  for (int i = 1; i <= 3; ++i) {
    ES_ASSERT_OK(store().append(
        "account-1", ExpectedVersion::any(),
        std::vector<EventData>{
            {.type = "ledger.Credit", .data = R"({"cents":)" + std::to_string(i * 10) + "}"}}));
  }
  append_ledger_events(store(), 20);
  Upcasters upcasters;
  ES_ASSERT_OK(upcasters.rename("ledger.Credit", 1, "ledger.Deposited", 1));
  Projection<Tx> ledger = ledger_projection();
  ledger.with_upcasters(&upcasters);
  EXPECT_TRUE(ledger.filter().empty()) << "an upcaster may rename: every event is read";
  auto running = run_exactly_once(ledger);
  ES_ASSERT_OK(running);
  ASSERT_TRUE(running->wait_for(head(), kPatience)) << running->status().to_string();
  ES_ASSERT_OK(running->stop());
  auto without_credits = expected_balances(store(), head());  // skips the Credit events
  const auto stored = stored_model();
  ASSERT_FALSE(stored.empty());
  const std::string account1 = "account-1=";
  for (std::size_t i = 0; i < stored.size(); ++i) {
    if (!stored[i].starts_with(account1)) {
      EXPECT_EQ(stored[i], without_credits[i]);
      continue;
    }
    const auto base = std::stoll(without_credits[i].substr(account1.size()));
    EXPECT_EQ(stored[i], account1 + std::to_string(base + 60));
  }
}

// An at-least-once read model kept in memory, idempotent through a Deduplicator.
struct MemoryLedger {
  std::map<std::string, std::int64_t> balances;
  Deduplicator applied;
  int handled = 0;

  Projection<> projection() {
    Projection<> p("memory-ledger");
    p.on_clear([this] {
      balances.clear();
      applied.clear();
      return Status::ok();
    });
    p.on<Deposited>([this](const Envelope<Deposited>& e) { add(e.recorded, e.event.cents); });
    p.on<Withdrawn>([this](const Envelope<Withdrawn>& e) { add(e.recorded, -e.event.cents); });
    return p;
  }
  void add(const RecordedEvent& e, std::int64_t cents) {
    ++handled;
    if (applied.first_time(e.stream, e.position)) balances[e.stream] += cents;
  }
  [[nodiscard]] std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& [account, cents] : balances)
      out.push_back(account + "=" + std::to_string(cents));
    return out;
  }
};

TEST_P(RunnerTest, AnAtLeastOnceReadModelIgnoresRedeliveredEventsAndRebuilds) {
  append_ledger_events(store(), 300);
  MemoryLedger model;
  const Projection<> projection = model.projection();
  {
    auto running = run_projection(store(), checkpoints(), projection);
    ES_ASSERT_OK(running);
    ASSERT_TRUE(running->wait_for(head(), kPatience)) << running->status().to_string();
    ES_ASSERT_OK(running->stop());
  }
  const int first_pass = model.handled;
  EXPECT_EQ(model.lines(), expected_balances(store(), head()));
  // A crash before the last save: the checkpoint is behind, so events come again.
  const auto stored = read_everything(store());
  ES_ASSERT_OK(checkpoints().remove("memory-ledger"));
  ES_ASSERT_OK(checkpoints().save("memory-ledger", std::nullopt, stored[100].position));
  {
    auto running = run_projection(store(), checkpoints(), projection);
    ES_ASSERT_OK(running);
    ASSERT_TRUE(running->wait_for(head(), kPatience));
    ES_ASSERT_OK(running->stop());
  }
  EXPECT_GT(model.handled, first_pass) << "nothing was redelivered";
  EXPECT_EQ(model.lines(), expected_balances(store(), head()));

  model.balances["account-0"] = -1;  // gone wrong; a rebuild starts over
  ES_ASSERT_OK(rebuild_projection(store(), checkpoints(), projection));
  EXPECT_EQ(model.lines(), expected_balances(store(), head()));
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(RunnerTest);

TEST(Deduplicator, SkipsPositionsAtOrBeforeTheNewestAppliedPerKey) {
  Deduplicator d;
  EXPECT_TRUE(d.first_time("a", Position(0, 5)));
  EXPECT_FALSE(d.first_time("a", Position(0, 5)));
  EXPECT_FALSE(d.first_time("a", Position(0, 3)));
  EXPECT_TRUE(d.first_time("b", Position(0, 3)));
  EXPECT_TRUE(d.first_time("a", Position(0, 6)));
  d.remember("c", Position(0, 9));
  EXPECT_FALSE(d.first_time("c", Position(0, 9)));
  EXPECT_EQ(d.last("a"), std::optional<Position>(Position(0, 6)));
  EXPECT_EQ(d.last("z"), std::nullopt);
  EXPECT_EQ(d.size(), 3U);
  d.clear();
  EXPECT_TRUE(d.first_time("a", Position(0, 1)));
}

}  // namespace
}  // namespace es::testing
