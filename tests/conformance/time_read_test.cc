// Temporal reads (DESIGN §6): read_stream(as_of) and read_all(until). The cut points are the
// recorded_at of real events, so no test waits for the clock to pass a chosen time.
#include <algorithm>
#include <iterator>
#include <set>

#include "conformance/backends.h"

namespace es::testing {
namespace {

class TimeRead : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    // Appends one event at a time, into two streams, until the feed spans at least three distinct
    // recorded_at values, so there are cut points with events on both sides.
    std::set<Timestamp> distinct;
    for (int i = 0; i < 100'000 && (distinct.size() < 3 || i < 12); ++i) {
      append_events(i % 2 == 0 ? "clock-a" : "clock-b", 1);
      distinct = recorded_times();
    }
    all_ = read_everything(store());
    ASSERT_GE(recorded_times().size(), 3u);
  }

  std::set<Timestamp> recorded_times() {
    std::set<Timestamp> times;
    for (const RecordedEvent& e : read_everything(store())) times.insert(e.recorded_at);
    return times;
  }

  // A recorded_at with events both at-or-before it and after it.
  Timestamp middle_cut() {
    const auto times = recorded_times();
    return *std::next(times.begin(), static_cast<std::ptrdiff_t>(times.size() / 2));
  }

  std::vector<RecordedEvent> all_;
};

TEST_P(TimeRead, ReadAllUntilStopsAfterTheLastEventRecordedByThen) {
  for (const Timestamp cut : recorded_times()) {
    SCOPED_TRACE(format_time(cut));
    std::vector<Uuid> expected;
    for (const RecordedEvent& e : all_) {
      if (e.recorded_at <= cut) expected.push_back(e.id);
    }
    auto page = store().read_all({.until = cut});
    ES_ASSERT_OK(page);
    EXPECT_EQ(ids_of(page->events), expected);
    EXPECT_TRUE(page->end) << "reaching the until bound ends the read";
    // The checkpoint stops at the bound, so a later read without it continues from there.
    auto rest = store().read_all({.from = page->next});
    ES_ASSERT_OK(rest);
    EXPECT_EQ(page->events.size() + rest->events.size(), all_.size());
  }
}

TEST_P(TimeRead, ReadAllUntilPagesWithinTheBound) {
  const Timestamp cut = middle_cut();
  std::vector<Uuid> expected;
  for (const RecordedEvent& e : all_) {
    if (e.recorded_at <= cut) expected.push_back(e.id);
  }
  std::vector<Uuid> seen;
  ES_ASSERT_OK(store().visit_all({.max_count = 2, .until = cut}, [&](const RecordedEvent& e) {
    seen.push_back(e.id);
    return true;
  }));
  EXPECT_EQ(seen, expected);
}

TEST_P(TimeRead, ReadAllUntilBeforeTheFirstEventIsEmpty) {
  auto page = store().read_all({.until = all_.front().recorded_at - std::chrono::microseconds(1)});
  ES_ASSERT_OK(page);
  EXPECT_TRUE(page->events.empty());
  EXPECT_TRUE(page->end);
}

TEST_P(TimeRead, ReadAllUntilCombinesWithAFilter) {
  const Timestamp cut = middle_cut();
  std::vector<Uuid> expected;
  for (const RecordedEvent& e : all_) {
    if (e.recorded_at <= cut && e.stream == "clock-b") expected.push_back(e.id);
  }
  auto page = store().read_all({.filter = {.stream_prefix = "clock-b"}, .until = cut});
  ES_ASSERT_OK(page);
  EXPECT_EQ(ids_of(page->events), expected);
}

TEST_P(TimeRead, ReadStreamAsOfShowsTheStreamAsItWasThen) {
  for (const Timestamp cut : recorded_times()) {
    SCOPED_TRACE(format_time(cut));
    std::vector<std::int64_t> expected;
    for (const RecordedEvent& e : all_) {
      if (e.stream == "clock-a" && e.recorded_at <= cut) expected.push_back(e.version);
    }
    auto forward = store().read_stream("clock-a", {.as_of = cut});
    ES_ASSERT_OK(forward);
    EXPECT_EQ(versions_of(forward->events), expected);
    EXPECT_TRUE(forward->end);
    auto backward =
        store().read_stream("clock-a", {.direction = Direction::kBackward, .as_of = cut});
    ES_ASSERT_OK(backward);
    std::reverse(expected.begin(), expected.end());
    EXPECT_EQ(versions_of(backward->events), expected);
  }
}

TEST_P(TimeRead, ReadStreamAsOfPagesWithinTheBound) {
  const Timestamp cut = middle_cut();
  std::vector<std::int64_t> expected;
  for (const RecordedEvent& e : all_) {
    if (e.stream == "clock-a" && e.recorded_at <= cut) expected.push_back(e.version);
  }
  std::vector<std::int64_t> seen;
  ES_ASSERT_OK(
      store().visit_stream("clock-a", {.max_count = 1, .as_of = cut}, [&](const RecordedEvent& e) {
        seen.push_back(e.version);
        return true;
      }));
  EXPECT_EQ(seen, expected);
}

TEST_P(TimeRead, RecordedAtIsSetByTheStoreAndNeverDecreases) {
  const Timestamp before = all_.front().recorded_at;
  const Timestamp wall = now();
  auto r = store().append("late", ExpectedVersion::any(), make_events(1));
  ES_ASSERT_OK(r);
  const auto late = read_stream_events(store(), "late");
  ASSERT_EQ(late.size(), 1u);
  EXPECT_GE(late[0].recorded_at, before);
  EXPECT_GE(late[0].recorded_at, all_.back().recorded_at);
  EXPECT_GE(late[0].recorded_at, wall);
  EXPECT_LE(late[0].recorded_at, now());
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(TimeRead);

}  // namespace
}  // namespace es::testing
