// visit_stream on the postgres backend streams the read by binary COPY in chunks of versions
// (store/postgres/reader.h) instead of paging. Every event it visits must be what read_stream
// (the paged SELECT path) returns for the same options: across chunk boundaries, in both
// directions, from a version, within the soft-delete, truncation and time cuts, through a
// tenant-scoped handle. A visitor that stops mid-chunk leaves the read connection usable. Each
// test runs with one read connection, and with two, where a long read also streams every other
// chunk on the store's read-ahead connection, ahead of the visitor.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "es/store/tenant_store.h"
#include "support/events.h"
#include "support/postgres.h"

namespace es::testing {
namespace {

// More than two default COPY chunks (16,384 versions) and many old pages (1,000 events).
constexpr std::int64_t kLong = 40'000;

using Row = std::tuple<Position, Uuid, std::string, std::int64_t, std::string, std::int32_t,
                       std::string, std::string, std::string, Timestamp>;

Row row_of(const RecordedEvent& e) {
  return {e.position,       e.id,   e.stream,   e.version, e.type,
          e.schema_version, e.data, e.metadata, e.tenant,  e.recorded_at};
}

std::vector<Row> visited(EventStore& store, std::string_view stream,
                         const ReadStreamOptions& options) {
  std::vector<Row> out;
  const Status status = store.visit_stream(stream, options, [&](const RecordedEvent& e) {
    out.push_back(row_of(e));
    return true;
  });
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return out;
}

// The paged SELECT path's answer: read_stream with no count limit.
std::vector<Row> read(EventStore& store, std::string_view stream, ReadStreamOptions options) {
  options.max_count = kUnlimited;
  auto slice = store.read_stream(stream, options);
  EXPECT_TRUE(slice.has_value()) << slice.error().to_string();
  std::vector<Row> out;
  if (slice) {
    for (const RecordedEvent& e : slice->events) out.push_back(row_of(e));
  }
  return out;
}

void append_many(EventStore& store, std::string_view stream, std::int64_t count,
                 std::string_view tenant = {}) {
  for (std::int64_t done = 0; done < count; done += 1000) {
    auto events = make_events(static_cast<std::size_t>(std::min<std::int64_t>(1000, count - done)));
    auto r = store.append(stream, ExpectedVersion::any(), events, tenant);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
  }
}

class PostgresVisitStream : public ::testing::TestWithParam<std::size_t> {
 protected:
  void SetUp() override {
    PostgresOptions options;
    // One: every read after a stopped one reuses its connection, and nothing reads ahead. Two:
    // long reads read ahead.
    options.max_read_connections = GetParam();
    store_ = open_test_postgres(options);
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<EventStore> store_;
};

TEST_P(PostgresVisitStream, LongStreamMatchesTheReadAcrossChunksBothWays) {
  append_many(*store_, "long", kLong);
  append_many(*store_, "other", 10);
  const std::vector<ReadStreamOptions> cases{
      {},
      {.max_count = 997},    // a chunk size, not a bound: the visit still reaches the end
      {.max_count = 5'000},  // with two connections: 2,500-version chunks, taking turns
      {.from_version = 16'384},
      {.from_version = 16'385, .fields = EventFields::kPayload},
      {.direction = Direction::kBackward},
      {.from_version = 32'770, .direction = Direction::kBackward, .max_count = 1000},
      {.from_version = kLong + 5},
      {.from_version = 0, .direction = Direction::kBackward},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    const auto seen = visited(*store_, "long", cases[i]);
    EXPECT_EQ(seen, read(*store_, "long", cases[i]));
  }
  EXPECT_EQ(visited(*store_, "long", {}).size(), static_cast<std::size_t>(kLong));
  EXPECT_EQ(visited(*store_, "long", {.from_version = 16'385}).size(),
            static_cast<std::size_t>(kLong - 16'384));
  EXPECT_EQ(
      visited(*store_, "long", {.from_version = 32'770, .direction = Direction::kBackward}).size(),
      32'770u);
}

TEST_P(PostgresVisitStream, StoppingMidChunkLeavesTheConnectionUsable) {
  append_many(*store_, "long", 20'000);
  const std::vector<std::pair<std::int64_t, std::uint64_t>> stops{
      {1, kUnlimited}, {5'000, kUnlimited}, {17'000, kUnlimited}, {5'000, 100}};
  for (const auto& [stop_at, chunk] : stops) {
    std::int64_t last = 0;
    ES_ASSERT_OK(store_->visit_stream("long", {.max_count = chunk}, [&](const RecordedEvent& e) {
      last = e.version;
      return e.version < stop_at;
    }));
    EXPECT_EQ(last, stop_at);
    // The same (only) connection answers the next statements, a COPY among them.
    auto info = store_->stream_info("long");
    ES_ASSERT_OK(info);
    EXPECT_EQ(info->version, 20'000);
    EXPECT_EQ(visited(*store_, "long", {.from_version = 19'990}).size(), 11u);
    append_many(*store_, "after-stop", 1);
    // A long read again: with two connections, the one that read ahead streams half of it.
    EXPECT_EQ(visited(*store_, "long", {}).size(), 20'000u);
  }
}

TEST_P(PostgresVisitStream, KeepsTheSoftDeleteTruncationAndTimeCuts) {
  append_many(*store_, "cut", 30);
  ES_ASSERT_OK(store_->delete_stream("cut"));
  EXPECT_TRUE(visited(*store_, "cut", {}).empty());
  append_many(*store_, "cut", 5);  // recreated: versions 31..35 readable
  auto seen = visited(*store_, "cut", {});
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::get<3>(seen.front()), 31);
  EXPECT_EQ(seen, read(*store_, "cut", {}));

  append_many(*store_, "kept", 50);
  ES_ASSERT_OK(store_->set_retention("kept", {.truncate_before = 20}));
  seen = visited(*store_, "kept", {.from_version = 3});
  ASSERT_EQ(seen.size(), 31u);
  EXPECT_EQ(std::get<3>(seen.front()), 20);
  ES_ASSERT_OK(store_->set_retention("kept", {.max_count = 4}));
  seen = visited(*store_, "kept", {.direction = Direction::kBackward});
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(std::get<3>(seen.back()), 47);

  const auto all = read(*store_, "kept", {});
  const Timestamp as_of = std::get<9>(all.front());
  EXPECT_EQ(visited(*store_, "kept", {.as_of = as_of}), read(*store_, "kept", {.as_of = as_of}));
  EXPECT_TRUE(visited(*store_, "kept", {.as_of = as_of - std::chrono::hours(1)}).empty());
}

TEST_P(PostgresVisitStream, AbsentReadsEmptyAndTombstonedFails) {
  EXPECT_TRUE(visited(*store_, "never-written", {}).empty());
  append_many(*store_, "gone", 3);
  ES_ASSERT_OK(store_->tombstone_stream("gone"));
  const Status status = store_->visit_stream("gone", {}, [](const RecordedEvent&) { return true; });
  EXPECT_EQ(status.code(), StatusCode::kStreamDeleted) << status.to_string();
}

TEST_P(PostgresVisitStream, QuotesTheStreamNameItSendsAsALiteral) {
  const std::string name = R"(it's-a "stream"; \ DROP TABLE events)";
  append_many(*store_, name, 3);
  append_many(*store_, "it", 2);
  const auto seen = visited(*store_, name, {});
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(std::get<2>(seen.front()), name);
  EXPECT_EQ(seen, read(*store_, name, {}));
}

TEST_P(PostgresVisitStream, TenantHandleVisitsOnlyItsTenantsStreams) {
  append_many(*store_, "acme-1", 2'500, "acme");
  append_many(*store_, "globex-1", 20, "globex");
  auto acme = scope_to_tenant(*store_, "acme");
  ES_ASSERT_OK(acme);
  const auto seen = visited(**acme, "acme-1", {.max_count = 300});
  ASSERT_EQ(seen.size(), 2'500u);
  EXPECT_EQ(std::get<8>(seen.front()), "acme");
  EXPECT_EQ(seen, read(*store_, "acme-1", {}));
  EXPECT_TRUE(visited(**acme, "globex-1", {}).empty());
}

INSTANTIATE_TEST_SUITE_P(ReadConnections, PostgresVisitStream, ::testing::Values(1, 2));

// A visitor may read the store, the same long stream included, while its own read holds the
// read-ahead connection: the nested read leases the second read connection and reads without
// reading ahead. Had the read-ahead come from the read connections, the nested read would wait
// for one forever.
TEST(PostgresReadAhead, AVisitorReadsTheStoreWhileItsReadHoldsTheReadAheadConnection) {
  PostgresOptions options;
  options.max_read_connections = 2;
  auto store = open_test_postgres(options);
  ASSERT_NE(store, nullptr);
  append_many(*store, "long", 10'000);
  std::size_t outer = 0;
  std::size_t inner = 0;
  ES_ASSERT_OK(store->visit_stream("long", {}, [&](const RecordedEvent& e) {
    if (e.version == 1 || e.version == 9'000) inner += visited(*store, "long", {}).size();
    ++outer;
    return true;
  }));
  EXPECT_EQ(outer, 10'000u);
  EXPECT_EQ(inner, 20'000u);
}

}  // namespace
}  // namespace es::testing
