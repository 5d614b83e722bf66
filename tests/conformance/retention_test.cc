// Retention rules (DESIGN §4): max_count, truncate_before and max_age hide events from
// read_stream; the events stay stored (physical removal is a separate compaction step).
#include <thread>

#include "conformance/backends.h"

namespace es::testing {
namespace {

using Versions = std::vector<std::int64_t>;

class RetentionRules : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    make_live("s", 10);
  }
  Versions readable(ReadStreamOptions options = {}) {
    auto slice = store().read_stream("s", options);
    EXPECT_TRUE(slice.has_value()) << slice.error().to_string();
    return slice ? versions_of(slice->events) : Versions{};
  }
};

TEST_P(RetentionRules, MaxCountKeepsOnlyTheNewestEventsReadable) {
  ES_ASSERT_OK(store().set_retention("s", {.max_count = 3}));
  EXPECT_EQ(readable(), (Versions{8, 9, 10}));
  EXPECT_EQ(readable({.direction = Direction::kBackward}), (Versions{10, 9, 8}));
  EXPECT_EQ(readable({.from_version = 2, .max_count = 2}), (Versions{8, 9}));
  const StreamInfo info = store().stream_info("s").value_or(StreamInfo{});
  EXPECT_EQ(info.version, 10);
  EXPECT_EQ(info.state, StreamState::kLive);
  ASSERT_TRUE(info.retention.max_count.has_value());
  EXPECT_EQ(*info.retention.max_count, 3u);
  // The window moves with new events.
  make_live("s", 2);
  EXPECT_EQ(readable(), (Versions{10, 11, 12}));
}

TEST_P(RetentionRules, TruncateBeforeHidesLowerVersions) {
  ES_ASSERT_OK(store().set_retention("s", {.truncate_before = 7}));
  EXPECT_EQ(readable(), (Versions{7, 8, 9, 10}));
  EXPECT_EQ(readable({.direction = Direction::kBackward, .max_count = 10}),
            (Versions{10, 9, 8, 7}));
  EXPECT_EQ(store().stream_info("s")->retention.truncate_before, 7);
  // Appends continue after the last version, whatever is hidden.
  auto r = store().append("s", ExpectedVersion::exact(10), make_events(1));
  ES_ASSERT_OK(r);
  EXPECT_EQ(r->first_version, 11);
}

TEST_P(RetentionRules, StricterRuleWins) {
  ES_ASSERT_OK(store().set_retention("s", {.max_count = 5, .truncate_before = 8}));
  EXPECT_EQ(readable(), (Versions{8, 9, 10}));
  ES_ASSERT_OK(store().set_retention("s", {.max_count = 2, .truncate_before = 8}));
  EXPECT_EQ(readable(), (Versions{9, 10}));
}

TEST_P(RetentionRules, MaxAgeHidesOlderEvents) {
  ES_ASSERT_OK(store().set_retention("s", {.max_age = std::chrono::hours(24)}));
  EXPECT_EQ(readable().size(), 10u) << "every event is younger than a day";
  const Timestamp newest = read_stream_events(store(), "s").back().recorded_at;
  // Zero age leaves nothing older than the moment of the read; wait for the clock to pass the
  // newest event so the outcome does not depend on timing.
  while (now() <= newest) std::this_thread::yield();
  ES_ASSERT_OK(store().set_retention("s", {.max_age = std::chrono::microseconds(0)}));
  EXPECT_EQ(readable(), Versions{});
  ES_ASSERT_OK(store().set_retention("s", {}));
  EXPECT_EQ(readable().size(), 10u) << "clearing the rules shows every event again";
}

TEST_P(RetentionRules, MaxAgeSplitsOldFromNewEvents) {
  // Old: versions 1-10 (SetUp). New: 11-12, recorded after a gap measured on the store's clock.
  const Timestamp old_newest = read_stream_events(store(), "s").back().recorded_at;
  const auto gap = std::chrono::milliseconds(30);
  while (now() <= old_newest + gap) std::this_thread::yield();
  make_live("s", 2);
  const auto events = read_stream_events(store(), "s");
  const Timestamp new_oldest = events[10].recorded_at;
  ASSERT_GT(new_oldest, old_newest + gap);
  // An age that reaches back to just after the old events, measured from now.
  const Timestamp start = now();
  const auto age = std::chrono::duration_cast<std::chrono::microseconds>(start - old_newest) -
                   std::chrono::microseconds(1);
  ES_ASSERT_OK(store().set_retention("s", {.max_age = age}));
  const Versions seen = readable();
  const Timestamp end = now();
  // The store measures from its own "now", somewhere in [start, end]: old events are hidden
  // either way, and the new ones are visible unless the read took longer than the gap.
  if (end - start < new_oldest - old_newest - std::chrono::microseconds(1)) {
    EXPECT_EQ(seen, (Versions{11, 12}));
  } else {
    for (const auto v : seen) EXPECT_GT(v, 10);
  }
}

TEST_P(RetentionRules, RetentionDoesNotRemoveEventsFromTheGlobalFeed) {
  ES_ASSERT_OK(store().set_retention("s", {.max_count = 1}));
  EXPECT_EQ(read_everything(store()).size(), 10u);
}

TEST_P(RetentionRules, RetentionOfAnAbsentStreamIsNotFound) {
  EXPECT_EQ(store().set_retention("nothing", {.max_count = 1}).code(), StatusCode::kNotFound);
  EXPECT_EQ(store().stream_info("nothing")->state, StreamState::kAbsent);
}

TEST_P(RetentionRules, RetentionOfATombstonedStreamIsStreamDeleted) {
  make_tombstoned("t", 1);
  EXPECT_EQ(store().set_retention("t", {.max_count = 1}).code(), StatusCode::kStreamDeleted);
  make_tombstoned("reserved", 0);
  EXPECT_EQ(store().set_retention("reserved", {.max_count = 1}).code(), StatusCode::kStreamDeleted);
}

TEST_P(RetentionRules, NegativeRulesAreInvalid) {
  EXPECT_EQ(store().set_retention("s", {.truncate_before = -1}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store().set_retention("s", {.max_age = std::chrono::microseconds(-1)}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store().stream_info("s")->retention, Retention{});
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(RetentionRules);

}  // namespace
}  // namespace es::testing
