// `es migrate` between SQLite and PostgreSQL, both ways, against the test server: the copy keeps
// every event's coordinates, payload and recorded time, the streams' states and the chain digest;
// a copy killed with -9 midway resumes without duplicating anything; a target that differs from
// its source fails verification with exit 5. ChildProcess runs the es binary here
// (ES_APPEND_CHILD_PATH).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "es/store/postgres_store.h"
#include "es/store/sqlite_store.h"
#include "postgres/raw_postgres.h"
#include "sqlite/child_process.h"
#include "support/events.h"
#include "support/postgres.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

int es_migrate(const std::string& from, const std::string& to) {
  ChildProcess child({"migrate", "--from", from, "--to", to});
  child.read_to_end();
  return child.wait();
}

std::unique_ptr<EventStore> open_url(const std::string& url) {
  auto store = url.starts_with("postgresql://") ? open_postgres(url) : open_sqlite(url);
  EXPECT_TRUE(store.has_value()) << store.error().to_string();
  return store ? std::move(*store) : nullptr;
}

// Every stored event as one line of its kept fields (not its position, which is per backend).
std::vector<std::string> stored_events(EventStore& store) {
  std::vector<std::string> out;
  for (const RecordedEvent& e : read_everything(store)) {
    out.push_back(e.id.to_string() + " " + e.stream + "@" + std::to_string(e.version) + " " +
                  e.type + "/" + std::to_string(e.schema_version) + " " + e.data + " " +
                  e.metadata + " [" + e.tenant + "] " +
                  std::to_string(to_unix_micros(e.recorded_at)));
  }
  return out;
}

std::string digest_of(EventStore& store) {
  auto report = store.verify();
  EXPECT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report && report->intact());
  return report ? report->digest : "";
}

std::vector<std::string> states_of(EventStore& store) {
  auto streams = store.list_streams();
  EXPECT_TRUE(streams.has_value());
  std::vector<std::string> out;
  for (const StreamInfo& s : streams.value_or(std::vector<StreamInfo>{})) {
    out.push_back(s.stream + " " + std::string(stream_state_name(s.state)) + " " +
                  std::to_string(s.version) + " [" + s.tenant + "] " +
                  std::to_string(s.retention.max_count.value_or(0)) + " cut " +
                  std::to_string(s.deleted_before));
  }
  return out;
}

// A store with something of everything: tenants, metadata, several events per append, a
// soft-deleted stream, one deleted and written again, a tombstoned one, a reserved name and a
// retention rule.
void fill(EventStore& store) {
  auto events = make_events(3);
  events[1].metadata = R"({"actor":"ada","correlation_id":"c-1"})";
  events[2].schema_version = 2;
  ES_ASSERT_OK(store.append("order-1", ExpectedVersion::no_stream(), events));
  ES_ASSERT_OK(store.append({{.stream = "order-2", .events = make_events(2)},
                             {.stream = "cart-1", .events = make_events(1), .tenant = "acme"}}));
  ES_ASSERT_OK(store.append("order-1", ExpectedVersion::exact(3), make_events(2)));
  ES_ASSERT_OK(store.append("gone-1", ExpectedVersion::any(), make_events(2)));
  ES_ASSERT_OK(store.delete_stream("gone-1"));
  ES_ASSERT_OK(store.append("again-1", ExpectedVersion::no_stream(), make_events(2)));
  ES_ASSERT_OK(store.delete_stream("again-1"));
  ES_ASSERT_OK(store.append("again-1", ExpectedVersion::any(), make_events(2)));
  ES_ASSERT_OK(store.append("dead-1", ExpectedVersion::any(), make_events(1)));
  ES_ASSERT_OK(store.tombstone_stream("dead-1"));
  ES_ASSERT_OK(store.tombstone_stream("reserved-1"));
  ES_ASSERT_OK(store.set_retention("order-2", {.max_count = 1}));
}

void expect_same(EventStore& source, EventStore& copy) {
  EXPECT_EQ(stored_events(copy), stored_events(source));
  EXPECT_EQ(states_of(copy), states_of(source));
  EXPECT_EQ(digest_of(copy), digest_of(source));
  EXPECT_EQ(read_stream_events(copy, "order-2").size(), 1U) << "the retention rule holds";
  EXPECT_EQ(versions_of(read_stream_events(copy, "again-1")), (std::vector<std::int64_t>{3, 4}))
      << "the events before the soft delete stay hidden";
}

TEST(Migrate, CopiesSqliteToPostgresAndBackWithEverythingKept) {
  TempDir dir;
  const std::string file = dir.file("source.db");
  const std::string pg = create_test_database();
  ASSERT_FALSE(pg.empty());
  const std::string back = dir.file("back.db");
  {
    auto source = open_url(file);
    ASSERT_NE(source, nullptr);
    fill(*source);
  }
  ASSERT_EQ(es_migrate(file, pg), 0);
  ASSERT_EQ(es_migrate(pg, back), 0);
  auto source = open_url(file);
  auto copy = open_url(pg);
  auto round_trip = open_url(back);
  ASSERT_TRUE(source && copy && round_trip);
  expect_same(*source, *copy);
  expect_same(*source, *round_trip);
  // Re-running over a complete copy writes nothing and verifies again.
  ASSERT_EQ(es_migrate(file, pg), 0);
  EXPECT_EQ(stored_events(*copy), stored_events(*source));
}

// Many source transactions: each append is one, so the copy takes many imports.
void fill_many(EventStore& store, int appends) {
  for (int i = 0; i < appends; ++i) {
    const auto a = make_events(10);
    const auto b = make_events(10);
    ES_ASSERT_OK(store.append({{.stream = "a-" + std::to_string(i % 50), .events = a},
                               {.stream = "b-" + std::to_string(i % 7), .events = b}}));
  }
}

// Kills `es migrate` once the target holds some events, then re-runs it to the end.
void kill_midway_and_resume(const std::string& from, const std::string& to) {
  auto target = open_url(to);
  ASSERT_NE(target, nullptr);
  const auto start = target->head_position();
  ASSERT_TRUE(start.has_value());
  {
    ChildProcess child({"migrate", "--from", from, "--to", to});
    auto moved = target->wait_for_append(*start, std::chrono::milliseconds(60'000));
    ASSERT_TRUE(moved.has_value() && *moved > *start) << "the copy never started";
    child.kill_hard();
    EXPECT_EQ(child.wait(), 128 + 9);
  }
  auto source = open_url(from);
  ASSERT_NE(source, nullptr);
  auto held = target->stats();
  auto total = source->stats();
  ASSERT_TRUE(held && total);
  EXPECT_GT(held->events, 0U);
  EXPECT_LT(held->events, total->events) << "the copy finished before it was killed";
  ASSERT_EQ(es_migrate(from, to), 0);
  EXPECT_EQ(stored_events(*target), stored_events(*source)) << "nothing lost or duplicated";
  EXPECT_EQ(digest_of(*target), digest_of(*source));
}

TEST(Migrate, AKilledCopyToPostgresResumesWithoutDuplicates) {
  TempDir dir;
  const std::string file = dir.file("source.db");
  const std::string pg = create_test_database();
  ASSERT_FALSE(pg.empty());
  {
    SqliteOptions fast;  // filling the source needs no durability
    fast.synchronous = SqliteOptions::Synchronous::kOff;
    auto source = open_sqlite(file, fast);
    ASSERT_TRUE(source.has_value());
    fill_many(**source, 2000);
  }
  kill_midway_and_resume(file, pg);
}

TEST(Migrate, AKilledCopyToSqliteResumesWithoutDuplicates) {
  TempDir dir;
  const std::string pg = create_test_database();
  ASSERT_FALSE(pg.empty());
  {
    auto source = open_url(pg);
    ASSERT_NE(source, nullptr);
    fill_many(*source, 2000);
  }
  kill_midway_and_resume(pg, dir.file("copy.db"));
}

TEST(Migrate, ATargetThatDiffersFromItsSourceFailsVerificationWithExit5) {
  TempDir dir;
  const std::string file = dir.file("source.db");
  const std::string pg = create_test_database();
  ASSERT_FALSE(pg.empty());
  {
    auto source = open_url(file);
    ASSERT_NE(source, nullptr);
    fill(*source);
  }
  ASSERT_EQ(es_migrate(file, pg), 0);
  pg_query(pg, "public",
           "UPDATE events SET data = '{\"n\":99}' WHERE stream = 'order-1' AND version = 2");
  EXPECT_EQ(es_migrate(file, pg), 5);
}

TEST(Migrate, RefusesATargetThatIsAnotherStoreAndLeavesItUnchanged) {
  TempDir dir;
  const std::string file = dir.file("source.db");
  const std::string other = dir.file("other.db");
  {
    auto source = open_url(file);
    auto target = open_url(other);
    ASSERT_TRUE(source && target);
    fill(*source);
    ES_ASSERT_OK(target->append("mine-1", ExpectedVersion::no_stream(), make_events(2)));
  }
  EXPECT_EQ(es_migrate(file, other), 1);
  EXPECT_EQ(es_migrate(file, file), 2);
  auto target = open_url(other);
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(read_everything(*target).size(), 2U);
}

}  // namespace
}  // namespace es::testing
