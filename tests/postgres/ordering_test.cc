// The global order under concurrent writers (DESIGN §5): a reader tailing the feed while writer
// processes append sees every event exactly once, in the order a final read returns; and a
// transaction held open holds the feed back (the reader waits) instead of being skipped.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "es/store/postgres_store.h"
#include "sqlite/child_process.h"
#include "support/events.h"
#include "support/postgres.h"

namespace es::testing {
namespace {

constexpr int kWriters = 8;
constexpr int kRounds = 60;  // even: half the rounds append 1 event to the own stream, half 2

// Each test opens its store in a fresh schema; child processes and raw sessions use the same.
class PostgresOrdering : public ::testing::Test {
 protected:
  void open(PostgresOptions options = {}) {
    url_ = test_pg_url();
    ASSERT_FALSE(url_.empty());
    options.schema = fresh_pg_schema();
    schema_ = options.schema;
    auto opened = open_postgres(url_, options);
    ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
    store_ = std::move(*opened);
  }

  std::string url_;
  std::string schema_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(PostgresOrdering, ATailingReaderSeesEveryEventOnceInTheFinalOrderWhileEightProcessesWrite) {
  ASSERT_NO_FATAL_FAILURE(open());
  EventStore& store = *store_;
  const std::string& url = url_;

  std::vector<std::unique_ptr<ChildProcess>> writers;
  writers.reserve(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.push_back(std::make_unique<ChildProcess>(std::vector<std::string>{
        url, schema_, "writer-" + std::to_string(w), std::to_string(kRounds)}));
  }
  // Each round writes 1 or 2 events to the writer's stream and 1 to "shared".
  constexpr std::size_t kPerWriter = std::size_t{kRounds} / 2 * 3 + kRounds;
  const std::size_t expected_total = kPerWriter * kWriters;

  std::vector<RecordedEvent> seen;
  Position checkpoint = Position::start();
  int running = kWriters;
  std::vector<bool> done(kWriters, false);
  while (seen.size() < expected_total) {
    auto page = store.read_all({.from = checkpoint, .max_count = 7});
    ASSERT_TRUE(page.has_value()) << page.error().to_string();
    for (const RecordedEvent& e : page->events) {
      ASSERT_GT(e.position, checkpoint) << "the feed went back";
      seen.push_back(e);
      checkpoint = e.position;
    }
    checkpoint = std::max(checkpoint, page->next);
    for (int w = 0; w < kWriters; ++w) {
      if (!done[static_cast<std::size_t>(w)] &&
          !writers[static_cast<std::size_t>(w)]->read_some(std::chrono::milliseconds(0))) {
        done[static_cast<std::size_t>(w)] = true;
        --running;
      }
    }
    if (page->end) {
      if (running == 0 && seen.size() < expected_total) {
        // Every writer has exited: what is not readable now never will be.
        auto last = store.read_all({.from = checkpoint});
        ASSERT_TRUE(last.has_value());
        ASSERT_TRUE(last->events.empty())
            << "events appeared after the writers exited and the feed had ended";
        break;
      }
      auto head = store.wait_for_append(checkpoint, std::chrono::milliseconds(50));
      ASSERT_TRUE(head.has_value()) << head.error().to_string();
    }
  }
  std::size_t acknowledged = 0;
  std::set<std::string> acked_ids;
  for (auto& writer : writers) {
    writer->read_to_end();
    EXPECT_EQ(writer->wait(), 0) << "a writer failed";
    for (const ChildAck& ack : writer->acks()) acked_ids.insert(ack.id);
    acknowledged += writer->acks().size();
  }
  EXPECT_EQ(acknowledged, expected_total);
  ASSERT_EQ(seen.size(), expected_total);

  std::set<Uuid> unique;
  for (const RecordedEvent& e : seen) {
    EXPECT_TRUE(unique.insert(e.id).second) << "seen twice: " << e.id.to_string();
    EXPECT_EQ(acked_ids.count(e.id.to_string()), 1u) << "not acknowledged: " << e.id.to_string();
  }
  const std::vector<RecordedEvent> final_read = read_everything(store);
  EXPECT_EQ(ids_of(seen), ids_of(final_read)) << "the tail and the final read disagree on order";
  // Each stream's versions come in order along the feed.
  std::map<std::string, std::int64_t> last_version;
  for (const RecordedEvent& e : final_read) {
    EXPECT_EQ(e.version, last_version[e.stream] + 1) << e.stream;
    last_version[e.stream] = e.version;
  }
}

// A raw libpq session: the test's stand-in for a slow writer elsewhere.
class RawSession {
 public:
  explicit RawSession(const std::string& url) : conn_(PQconnectdb(url.c_str()), PQfinish) {}
  [[nodiscard]] bool ok() const { return PQstatus(conn_.get()) == CONNECTION_OK; }
  // Runs `sql` with text parameters; returns the error message, or "" on success.
  std::string run(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const std::string& p : params) values.push_back(p.c_str());
    std::unique_ptr<PGresult, decltype(&PQclear)> r(
        PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                     values.data(), nullptr, nullptr, 0),
        PQclear);
    const ExecStatusType s = PQresultStatus(r.get());
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? "" : PQerrorMessage(conn_.get());
  }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

TEST_F(PostgresOrdering, AnOpenTransactionMakesTheFeedWaitAndItsEventIsNotSkipped) {
  PostgresOptions options;
  options.visibility_wait_ms = 0;  // appends return at commit, while the held transaction runs
  ASSERT_NO_FATAL_FAILURE(open(options));
  EventStore& store = *store_;
  const std::string& url = url_;

  const auto before = make_events(1);
  ASSERT_TRUE(store.append("early", ExpectedVersion::no_stream(), before).has_value());
  // With no visibility wait the append returns at its commit, before the feed may show it.
  ASSERT_TRUE(store.wait_for_append(Position::start(), std::chrono::seconds(10)).has_value());
  auto first = store.read_all({});
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->events.size(), 1u);
  const Position checkpoint = first->next;

  // Another session inserts through the store's schema and keeps its transaction open: it holds
  // a transaction id older than every append below.
  RawSession held(url);
  ASSERT_TRUE(held.ok());
  const Uuid held_id = Uuid::v7();
  ASSERT_EQ(held.run("BEGIN"), "");
  ASSERT_EQ(held.run("SELECT set_config('search_path', $1, true)", {schema_}), "");
  ASSERT_EQ(held.run("INSERT INTO events (id, stream, version, type, schema_version, data, "
                     "metadata, tenant, recorded_at) VALUES ($1, 'held', 1, 'test.Held', 1, "
                     "'\\x7b7d', '{}', '', now())",
                     {held_id.to_string()}),
            "");

  const auto later = make_events(3);
  for (const EventData& e : later) {
    ASSERT_TRUE(store.append("later", ExpectedVersion::any(), std::span(&e, 1)).has_value());
  }
  // Committed, but behind an open transaction: the feed stops before them and waits.
  auto blocked = store.read_all({.from = checkpoint});
  ASSERT_TRUE(blocked.has_value());
  EXPECT_TRUE(blocked->events.empty()) << "the reader saw events past an open transaction";
  EXPECT_TRUE(blocked->end);
  EXPECT_EQ(blocked->next, checkpoint);
  auto head = store.wait_for_append(checkpoint, std::chrono::milliseconds(20));
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(*head, checkpoint) << "the head moved past an open transaction";

  ASSERT_EQ(held.run("COMMIT"), "");
  auto after = store.read_all({.from = checkpoint});
  ASSERT_TRUE(after.has_value());
  std::vector<Uuid> expected{held_id};
  for (const Uuid& id : ids_of(later)) expected.push_back(id);
  EXPECT_EQ(ids_of(after->events), expected) << "the held event must come first, then the rest";
  std::vector<Uuid> everything = ids_of(before);
  everything.insert(everything.end(), expected.begin(), expected.end());
  EXPECT_EQ(ids_of(read_everything(store)), everything);
}

TEST_F(PostgresOrdering, ByDefaultAnAppendReturnsOnceItsEventsAreVisible) {
  ASSERT_NO_FATAL_FAILURE(open());
  EventStore& store = *store_;
  const std::string& url = url_;
  RawSession held(url);
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held.run("BEGIN"), "");
  ASSERT_EQ(held.run("SELECT pg_current_xact_id()"), "");
  std::atomic<bool> returned{false};
  const auto events = make_events(1);
  std::thread writer([&] {
    EXPECT_TRUE(store.append("s", ExpectedVersion::any(), events).has_value());
    returned = true;
  });
  // The append has committed but cannot be read through the feed yet, so it has not returned.
  for (;;) {
    auto info = store.stream_info("s");
    ASSERT_TRUE(info.has_value());
    if (info->version == 1) break;
    std::this_thread::yield();
  }
  EXPECT_FALSE(returned.load());
  ASSERT_EQ(held.run("COMMIT"), "");
  writer.join();
  EXPECT_TRUE(returned.load());
  EXPECT_EQ(ids_of(read_everything(store)), ids_of(events));
}

}  // namespace
}  // namespace es::testing
