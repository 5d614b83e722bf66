// The `es` commands that keep state beside the store — `tail --name`, `projections` and `dlq`
// (also on what the exactly-once runner parked) — on a PostgreSQL URL, against the test server.
// ChildProcess runs the es binary here (ES_APPEND_CHILD_PATH).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "es/projection/checkpoint_store.h"
#include "es/projection/dead_letter_store.h"
#include "es/projection/runner.h"
#include "es/store/postgres_store.h"
#include "postgres/raw_postgres.h"
#include "sqlite/child_process.h"
#include "support/events.h"
#include "support/happened.h"
#include "support/postgres.h"

namespace es::testing {
namespace {

using nlohmann::json;

// Runs `es --db URL args...` to its end; its exit status and stdout lines as JSON.
struct CliRun {
  int status = 0;
  std::vector<json> lines;
};
CliRun es(const std::string& url, std::vector<std::string> args) {
  args.insert(args.begin(), {"--db", url});
  ChildProcess child(args);
  child.read_to_end();
  CliRun run;
  run.status = child.wait();
  for (const std::string& line : child.lines()) run.lines.push_back(json::parse(line));
  return run;
}

class PostgresCli : public ::testing::Test {
 protected:
  // Each test gets a database of its own: `es` opens the `public` schema of the URL's database.
  void SetUp() override {
    url_ = create_test_database();
    ASSERT_FALSE(url_.empty());
    auto store = open_postgres(url_);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    store_ = std::move(*store);
    auto appended = store_->append("order-1", ExpectedVersion::no_stream(), make_events(3));
    ES_ASSERT_OK(appended);
    appended_ = *appended;
  }

  std::string url_;
  std::unique_ptr<EventStore> store_;
  AppendResult appended_;
};

TEST_F(PostgresCli, ProjectionsListsTheCheckpointsWithTheirLag) {
  auto checkpoints = open_postgres_checkpoint_store(url_);
  ES_ASSERT_OK(checkpoints);
  ES_ASSERT_OK((*checkpoints)->save("balances", std::nullopt, appended_.first_position));
  const CliRun run = es(url_, {"projections"});
  ASSERT_EQ(run.status, 0);
  ASSERT_EQ(run.lines.size(), 1U);
  EXPECT_EQ(run.lines[0]["name"], "balances");
  EXPECT_EQ(run.lines[0]["position"], appended_.first_position.to_string());
  EXPECT_EQ(run.lines[0]["events_behind"], 2);
  EXPECT_EQ(run.lines[0]["caught_up"], false);
}

TEST_F(PostgresCli, DlqListsRetriesAndDiscardsParkedEvents) {
  auto letters = open_postgres_dead_letter_store(url_);
  ES_ASSERT_OK(letters);
  ES_ASSERT_OK((*letters)->park({.subscription = "mailer",
                                 .stream = "order-1",
                                 .version = 1,
                                 .position = appended_.first_position,
                                 .event_id = Uuid::v7(),
                                 .type = "test.Happened",
                                 .error = "smtp down",
                                 .attempts = 3,
                                 .parked_at = now()}));
  const CliRun listed = es(url_, {"dlq", "list", "--name", "mailer"});
  ASSERT_EQ(listed.status, 0);
  ASSERT_EQ(listed.lines.size(), 1U);
  EXPECT_EQ(listed.lines[0]["error"], "smtp down");
  EXPECT_EQ(listed.lines[0]["redeliver"], false);

  const CliRun marked = es(url_, {"dlq", "retry", "mailer"});
  ASSERT_EQ(marked.status, 0);
  ASSERT_EQ(marked.lines.size(), 1U);
  EXPECT_EQ(marked.lines[0]["marked"], 1);
  auto after_retry = (*letters)->list("mailer");
  ES_ASSERT_OK(after_retry);
  ASSERT_EQ(after_retry->size(), 1U);
  EXPECT_TRUE(after_retry->front().redeliver);

  const CliRun discarded = es(url_, {"dlq", "discard", "mailer", "--stream", "order-1"});
  ASSERT_EQ(discarded.status, 0);
  ASSERT_EQ(discarded.lines.size(), 1U);
  EXPECT_EQ(discarded.lines[0]["discarded"], 1);
  auto depth = (*letters)->count("mailer");
  ES_ASSERT_OK(depth);
  EXPECT_EQ(*depth, 0U);
  EXPECT_EQ(es(url_, {"dlq", "discard", "mailer"}).status, 4) << "none left to discard";
}

TEST_F(PostgresCli, DlqListsAndRetriesWhatTheExactlyOnceRunnerParked) {
  std::atomic<bool> broken{true};
  Projection<Tx> seen("seen");
  seen.on_start([](Tx& tx) {
    return tx.exec("CREATE TABLE IF NOT EXISTS seen (version BIGINT PRIMARY KEY)");
  });
  seen.on<Happened>([&broken](const Envelope<Happened>& e, Tx& tx) -> Status {
    if (broken && e.recorded.version == 2) return Status::unavailable("smtp down");
    return tx.exec("INSERT INTO seen (version) VALUES (?1)", e.recorded.version);
  });
  auto letters = open_postgres_dead_letter_store(url_);
  ES_ASSERT_OK(letters);
  const auto run = [&] {
    auto running = run_postgres_projection(
        *store_, url_, seen,
        {.stop_at_head = true, .dead_letters = letters->get(), .retry = {.max_attempts = 1}});
    ES_ASSERT_OK(running);
    ASSERT_TRUE(running->wait_stopped(std::chrono::seconds(60)));
    ES_ASSERT_OK(running->status());
  };
  const auto stored = [&] {
    return pg_query(url_, "public", "SELECT version FROM seen ORDER BY 1");
  };
  run();
  EXPECT_EQ(stored(), std::vector<std::string>{"1"});

  const CliRun listed = es(url_, {"dlq", "list", "--name", "seen"});
  ASSERT_EQ(listed.status, 0);
  ASSERT_EQ(listed.lines.size(), 2U) << "the failing event and the one parked behind it";
  EXPECT_EQ(listed.lines[0]["version"], 2);
  EXPECT_NE(listed.lines[0]["error"].get<std::string>().find("smtp down"), std::string::npos);
  EXPECT_EQ(listed.lines[1]["version"], 3);

  ASSERT_EQ(es(url_, {"dlq", "retry", "seen"}).status, 0);
  broken = false;
  run();
  EXPECT_EQ(stored(), (std::vector<std::string>{"1", "2", "3"})) << "each applied once";
  EXPECT_EQ(es(url_, {"dlq", "list", "--name", "seen"}).lines.size(), 0U);
}

TEST_F(PostgresCli, TheStoreCommandsWorkOnAUrl) {
  const CliRun appended =
      es(url_, {"append", "order-2", "test.Happened", R"({"n":1})", "--expected", "no-stream"});
  ASSERT_EQ(appended.status, 0);
  EXPECT_EQ(appended.lines.at(0)["version"], 1);
  EXPECT_EQ(es(url_, {"append", "order-2", "test.Happened", "{}", "--expected", "5"}).status, 3)
      << "a version conflict";
  const CliRun read = es(url_, {"read", "order-1"});
  ASSERT_EQ(read.status, 0);
  EXPECT_EQ(read.lines.size(), 3U);
  EXPECT_EQ(read.lines[0]["position"], appended_.first_position.to_string());
  EXPECT_EQ(es(url_, {"read-all"}).lines.size(), 4U);
  EXPECT_EQ(es(url_, {"streams"}).lines.size(), 2U);
  const CliRun stats = es(url_, {"stats"});
  ASSERT_EQ(stats.status, 0);
  EXPECT_EQ(stats.lines.at(0)["backend"], "postgres");
  EXPECT_EQ(stats.lines[0]["events"], 4);
  EXPECT_EQ(es(url_, {"read", "absent-1"}).status, 4);
  ASSERT_EQ(es(url_, {"delete", "order-2"}).status, 0);
  ASSERT_EQ(es(url_, {"tombstone", "order-9"}).status, 0);
  EXPECT_EQ(es(url_, {"append", "order-9", "test.Happened", "{}"}).status, 1)
      << "a tombstoned stream takes no events";
  ChildProcess verify({"--db", url_, "verify", "--json"});
  verify.read_to_end();
  EXPECT_EQ(verify.wait(), 0);
  ASSERT_FALSE(verify.lines().empty());
  EXPECT_EQ(json::parse(verify.lines().back())["intact"], true);

  auto info = store_->stream_info("order-2");
  ES_ASSERT_OK(info);
  EXPECT_EQ(info->state, StreamState::kSoftDeleted);
}

TEST_F(PostgresCli, TailWithANameSavesItsCheckpointInTheDatabase) {
  ChildProcess tail({"--db", url_, "tail", "--name", "follower"});
  while (tail.complete_lines() < 3) {
    ASSERT_TRUE(tail.read_some(std::chrono::milliseconds(60'000))) << "tail ended early";
  }
  tail.kill_hard();
  (void)tail.wait();
  // Each event is printed and then saved: once the third is printed, the second is saved.
  auto checkpoints = open_postgres_checkpoint_store(url_);
  ES_ASSERT_OK(checkpoints);
  auto saved = (*checkpoints)->load("follower");
  ES_ASSERT_OK(saved);
  ASSERT_TRUE(saved->has_value());
  EXPECT_GE(**saved, appended_.first_position);
  EXPECT_LE(**saved, appended_.last_position);
}

}  // namespace
}  // namespace es::testing
