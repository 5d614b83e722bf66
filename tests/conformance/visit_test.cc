// visit_stream/visit_all read page by page: every event once, in order, across many pages, and
// stop as soon as the visitor says so.
#include <stdexcept>

#include "conformance/backends.h"

namespace es::testing {
namespace {

constexpr std::size_t kEvents = 2500;

class Visit : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    // One long stream, interleaved with a short one so the feed is not just one stream.
    auto long_events = make_events(kEvents);
    auto r = store().append("long", ExpectedVersion::no_stream(), long_events);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    append_events("short", 10);
  }
};

TEST_P(Visit, VisitAllSeesEveryEventOnceInPositionOrderAcrossPages) {
  for (const std::uint64_t page_size : {std::uint64_t{1000}, std::uint64_t{333}}) {
    std::vector<RecordedEvent> seen;
    ES_ASSERT_OK(store().visit_all({.max_count = page_size}, [&](const RecordedEvent& e) {
      seen.push_back(e);
      return true;
    }));
    ASSERT_EQ(seen.size(), kEvents + 10);
    for (std::size_t i = 1; i < seen.size(); ++i) {
      ASSERT_GT(seen[i].position, seen[i - 1].position) << i;
    }
    EXPECT_EQ(seen.front().version, 1);
    EXPECT_EQ(seen[kEvents - 1].version, static_cast<std::int64_t>(kEvents));
    EXPECT_EQ(seen.back().stream, "short");
  }
}

TEST_P(Visit, VisitAllStopsWhenTheVisitorReturnsFalse) {
  std::size_t calls = 0;
  ES_ASSERT_OK(
      store().visit_all({.max_count = 100}, [&](const RecordedEvent&) { return ++calls < 1234; }));
  EXPECT_EQ(calls, 1234u);
}

TEST_P(Visit, VisitAllAppliesTheFilterOnEveryPage) {
  std::size_t count = 0;
  ES_ASSERT_OK(store().visit_all({.max_count = 7, .filter = {.stream_prefix = "short"}},
                                 [&](const RecordedEvent& e) {
                                   EXPECT_EQ(e.stream, "short");
                                   ++count;
                                   return true;
                                 }));
  EXPECT_EQ(count, 10u);
}

TEST_P(Visit, VisitAllStartsAfterFrom) {
  const auto head = store().head_position();
  ES_ASSERT_OK(head);
  std::size_t calls = 0;
  ES_ASSERT_OK(store().visit_all({.from = *head}, [&](const RecordedEvent&) {
    ++calls;
    return true;
  }));
  EXPECT_EQ(calls, 0u);
}

TEST_P(Visit, VisitStreamForwardSeesEveryVersionOnce) {
  std::int64_t expected = 1;
  ES_ASSERT_OK(store().visit_stream("long", {}, [&](const RecordedEvent& e) {
    EXPECT_EQ(e.version, expected);
    ++expected;
    return true;
  }));
  EXPECT_EQ(expected, static_cast<std::int64_t>(kEvents) + 1);
}

TEST_P(Visit, VisitStreamBackwardFromAVersionWithSmallPages) {
  std::int64_t expected = 2000;
  ES_ASSERT_OK(store().visit_stream(
      "long", {.from_version = 2000, .direction = Direction::kBackward, .max_count = 64},
      [&](const RecordedEvent& e) {
        EXPECT_EQ(e.version, expected);
        --expected;
        return true;
      }));
  EXPECT_EQ(expected, 0);
}

TEST_P(Visit, VisitStreamStopsWhenTheVisitorReturnsFalse) {
  std::vector<std::int64_t> versions;
  ES_ASSERT_OK(store().visit_stream("long", {.from_version = 998, .max_count = 1000},
                                    [&](const RecordedEvent& e) {
                                      versions.push_back(e.version);
                                      return versions.size() < 5;
                                    }));
  EXPECT_EQ(versions, (std::vector<std::int64_t>{998, 999, 1000, 1001, 1002}));
}

TEST_P(Visit, VisitStreamOfAnAbsentStreamVisitsNothing) {
  std::size_t calls = 0;
  ES_ASSERT_OK(store().visit_stream("nothing", {}, [&](const RecordedEvent&) {
    ++calls;
    return true;
  }));
  EXPECT_EQ(calls, 0u);
}

TEST_P(Visit, VisitStreamOfATombstonedStreamFails) {
  ES_ASSERT_OK(store().tombstone_stream("short"));
  const Status s = store().visit_stream("short", {}, [](const RecordedEvent&) { return true; });
  EXPECT_EQ(s.code(), StatusCode::kStreamDeleted);
}

TEST_P(Visit, AVisitorMayAppendToTheStore) {
  std::size_t calls = 0;
  ES_ASSERT_OK(store().visit_stream("short", {}, [&](const RecordedEvent& e) {
    ++calls;
    auto r = store().append("copy", ExpectedVersion::any(),
                            std::vector<EventData>{{.type = e.type, .data = e.data}});
    EXPECT_TRUE(r.has_value()) << r.error().to_string();
    return true;
  }));
  EXPECT_EQ(calls, 10u);
  EXPECT_EQ(store().stream_info("copy")->version, 10);
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(Visit);

// A visitor that throws (an aggregate's apply, say) leaves no read open behind it: later reads,
// the head and the appends of others go on as before.
class ThrowingVisitor : public StoreTest {};

TEST_P(ThrowingVisitor, LeavesTheStoreReadingEveryLaterAppend) {
  append_events("s", 3);
  for (int round = 0; round < 8; ++round) {
    EXPECT_THROW((void)store().visit_stream("s", {.max_count = 1},
                                            [](const RecordedEvent&) -> bool {
                                              throw std::runtime_error("apply failed");
                                            }),
                 std::runtime_error);
    EXPECT_THROW(
        (void)store().visit_all(
            {}, [](const RecordedEvent&) -> bool { throw std::runtime_error("apply failed"); }),
        std::runtime_error);
    const Position before = store().head_position().value();
    append_events("s", 1);
    EXPECT_GT(store().head_position().value(), before) << "round " << round;
    EXPECT_EQ(read_stream_events(store(), "s").size(), static_cast<std::size_t>(4 + round));
  }
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(ThrowingVisitor);

}  // namespace
}  // namespace es::testing
