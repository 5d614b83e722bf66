// What the store reports about streams and itself: stream_info, list_streams, stats,
// head_position.
#include <cstdio>

#include "conformance/backends.h"

namespace es::testing {
namespace {

class Streams : public StoreTest {
 protected:
  StreamInfo info(std::string_view stream) {
    auto result = store().stream_info(stream);
    EXPECT_TRUE(result.has_value()) << result.error().to_string();
    return result.value_or(StreamInfo{});
  }
  std::vector<std::string> names(const ListStreamsOptions& options) {
    auto result = store().list_streams(options);
    EXPECT_TRUE(result.has_value()) << result.error().to_string();
    std::vector<std::string> out;
    for (const StreamInfo& s : result.value_or(std::vector<StreamInfo>{})) out.push_back(s.stream);
    return out;
  }
};

using Names = std::vector<std::string>;

TEST_P(Streams, InfoOfEachState) {
  make_live("live", 3);
  make_soft_deleted("soft", 2);
  make_tombstoned("tomb", 4);
  make_tombstoned("reserved", 0);

  const StreamInfo absent = info("absent");
  EXPECT_EQ(absent.stream, "absent");
  EXPECT_EQ(absent.state, StreamState::kAbsent);
  EXPECT_EQ(absent.version, 0);

  const StreamInfo live = info("live");
  EXPECT_EQ(live.stream, "live");
  EXPECT_EQ(live.state, StreamState::kLive);
  EXPECT_EQ(live.version, 3);
  EXPECT_LE(live.created_at, live.updated_at);
  EXPECT_EQ(live.retention, Retention{});

  const StreamInfo soft = info("soft");
  EXPECT_EQ(soft.state, StreamState::kSoftDeleted);
  EXPECT_EQ(soft.version, 2) << "a soft-deleted stream keeps its last version";

  const StreamInfo tomb = info("tomb");
  EXPECT_EQ(tomb.state, StreamState::kTombstoned);
  EXPECT_EQ(info("reserved").state, StreamState::kTombstoned);
}

TEST_P(Streams, InfoTimesFollowAppends) {
  const Timestamp before = now();
  make_live("s", 1);
  const StreamInfo first = info("s");
  EXPECT_GE(first.created_at, before);
  make_live("s", 1);
  const StreamInfo second = info("s");
  EXPECT_EQ(second.created_at, first.created_at);
  EXPECT_GE(second.updated_at, first.updated_at);
  const auto events = read_stream_events(store(), "s");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(second.created_at, events[0].recorded_at);
  EXPECT_EQ(second.updated_at, events[1].recorded_at);
}

TEST_P(Streams, ListStreamsInNameOrderWithStates) {
  for (const char* name : {"b-2", "a-1", "c", "b-1", "a-2", "b-10"}) make_live(name, 1);
  ES_ASSERT_OK(store().delete_stream("a-2"));
  ES_ASSERT_OK(store().tombstone_stream("c"));
  auto all = store().list_streams();
  ES_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ(names({}), (Names{"a-1", "a-2", "b-1", "b-10", "b-2", "c"}));
  EXPECT_EQ((*all)[1].state, StreamState::kSoftDeleted);
  EXPECT_EQ((*all)[5].state, StreamState::kTombstoned);
  EXPECT_EQ((*all)[0].version, 1);
}

TEST_P(Streams, ListStreamsPagesWithAfter) {
  Names expected;
  for (int i = 0; i < 25; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "s-%02d", i);
    make_live(name, 1);
    expected.push_back(name);
  }
  Names seen;
  ListStreamsOptions options{.max_count = 10};
  for (int page = 0; page < 10; ++page) {
    const Names got = names(options);
    EXPECT_LE(got.size(), 10u);
    if (got.empty()) break;
    seen.insert(seen.end(), got.begin(), got.end());
    options.after = got.back();
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(names({.after = "s-23"}), (Names{"s-24"}));
  EXPECT_EQ(names({.after = "s-24"}), Names{});
  EXPECT_EQ(names({.max_count = 0}), Names{});
}

TEST_P(Streams, ListStreamsByPrefix) {
  for (const char* name : {"account-1", "account-2", "accountant-1", "order-1", "acc", "ab"}) {
    make_live(name, 1);
  }
  EXPECT_EQ(names({.prefix = "account-"}), (Names{"account-1", "account-2"}));
  EXPECT_EQ(names({.prefix = "acc"}), (Names{"acc", "account-1", "account-2", "accountant-1"}));
  EXPECT_EQ(names({.prefix = "account-", .max_count = 1}), (Names{"account-1"}));
  EXPECT_EQ(names({.after = "account-1", .prefix = "account-"}), (Names{"account-2"}));
  EXPECT_EQ(names({.prefix = "zzz"}), Names{});
}

TEST_P(Streams, StatsCountEventsAndStreamsByState) {
  auto empty = store().stats();
  ES_ASSERT_OK(empty);
  EXPECT_EQ(empty->events, 0u);
  EXPECT_EQ(empty->streams, 0u);
  EXPECT_FALSE(empty->first_recorded_at.has_value());
  EXPECT_FALSE(empty->last_recorded_at.has_value());
  EXPECT_EQ(empty->backend, GetParam().kind);

  make_live("live-1", 3);
  make_live("live-2", 1);
  make_soft_deleted("soft", 2);
  make_tombstoned("tomb", 1);
  make_tombstoned("reserved", 0);
  auto stats = store().stats();
  ES_ASSERT_OK(stats);
  EXPECT_EQ(stats->events, 7u) << "deleted streams' events stay in the feed until compaction";
  EXPECT_EQ(stats->live_streams, 2u);
  EXPECT_EQ(stats->deleted_streams, 1u);
  EXPECT_EQ(stats->tombstoned_streams, 2u);
  EXPECT_EQ(stats->streams, 5u);
  const auto all = read_everything(store());
  ASSERT_TRUE(stats->first_recorded_at.has_value());
  ASSERT_TRUE(stats->last_recorded_at.has_value());
  EXPECT_EQ(*stats->first_recorded_at, all.front().recorded_at);
  EXPECT_EQ(*stats->last_recorded_at, all.back().recorded_at);
}

TEST_P(Streams, HeadPositionIsTheNewestEvent) {
  EXPECT_EQ(store().head_position().value_or(Position(9, 9)), Position::start());
  auto r = store().append("s", ExpectedVersion::any(), make_events(2));
  ES_ASSERT_OK(r);
  EXPECT_EQ(store().head_position().value_or(Position{}), r->last_position);
}

TEST_P(Streams, InfoOfAnInvalidNameIsRejected) {
  auto result = store().stream_info(std::string(257, 'x'));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), StatusCode::kInvalidArgument);
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(Streams);

}  // namespace
}  // namespace es::testing
