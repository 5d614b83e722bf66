// EventStore::wait_for_append: the live wake-up of subscriptions. Immediate for appends through
// the same object, bounded (a poll of the head) for appends by another process.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <thread>

#include "conformance/backends.h"
#include "es/store/sqlite_store.h"
#include "sqlite/child_process.h"

namespace es::testing {
namespace {

using WakeUpTest = StoreTest;
using std::chrono::milliseconds;

TEST_P(WakeUpTest, ReturnsAtOnceWhenTheHeadIsAlreadyPast) {
  const AppendResult appended = append_events("s-1", 1);
  auto head = store().wait_for_append(Position::start(), milliseconds(60'000));
  ES_ASSERT_OK(head);
  EXPECT_EQ(*head, appended.last_position);
}

TEST_P(WakeUpTest, AnAppendFromAnotherThreadWakesTheWaiter) {
  auto waiter = std::async(std::launch::async, [&] {
    return store().wait_for_append(Position::start(), milliseconds(60'000));
  });
  const AppendResult appended = append_events("s-1", 1);
  auto head = waiter.get();
  ES_ASSERT_OK(head);
  EXPECT_GE(*head, appended.last_position);
}

TEST_P(WakeUpTest, TimesOutWithTheUnchangedHead) {
  const AppendResult appended = append_events("s-1", 1);
  auto head = store().wait_for_append(appended.last_position, milliseconds(20));
  ES_ASSERT_OK(head);
  EXPECT_EQ(*head, appended.last_position);
}

TEST_P(WakeUpTest, AStopRequestEndsTheWait) {
  std::stop_source stop;
  auto waiter = std::async(std::launch::async, [&] {
    return store().wait_for_append(Position::start(), milliseconds(600'000), stop.get_token());
  });
  stop.request_stop();
  auto head = waiter.get();
  ES_ASSERT_OK(head);
  EXPECT_EQ(*head, Position::start());
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(WakeUpTest);

// Another process appends to the same file; the waiter notices within the poll interval plus
// the cost of a head read. The figure is printed and recorded, not asserted tightly: a test
// never depends on timing, only on the wake-up being bounded (far below max_wait).
TEST(CrossProcessWakeUp, AnAppendByAnotherProcessWakesTheWaiterWithinABoundedDelay) {
  constexpr int kRounds = 10;
  TempDir dir;
  const std::string path = dir.file("events.db");
  auto store = open_sqlite(path);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  std::vector<double> latencies_ms;
  Position head = Position::start();
  for (int round = 0; round < kRounds; ++round) {
    ChildProcess child({path, "child-" + std::to_string(round), "1", "full"});
    auto woke = (*store)->wait_for_append(head, milliseconds(60'000));
    const Timestamp woke_at = now();
    ES_ASSERT_OK(woke);
    ASSERT_GT(*woke, head) << "the wait timed out instead of noticing the other process";
    auto page = (*store)->read_all({.from = head, .max_count = 1});
    ES_ASSERT_OK(page);
    ASSERT_EQ(page->events.size(), 1U);
    // recorded_at is stamped inside the child's transaction, before its commit and fsync.
    latencies_ms.push_back(static_cast<double>((woke_at - page->events[0].recorded_at).count()) /
                           1000.0);
    child.read_to_end();
    EXPECT_EQ(child.wait(), 0);
    auto end = (*store)->head_position();
    ES_ASSERT_OK(end);
    head = *end;
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const double median = latencies_ms[latencies_ms.size() / 2];
  const double worst = latencies_ms.back();
  std::printf("cross-process wake-up over %d rounds: median %.2f ms, max %.2f ms\n", kRounds,
              median, worst);
  ::testing::Test::RecordProperty("median_ms", std::to_string(median));
  ::testing::Test::RecordProperty("max_ms", std::to_string(worst));
  EXPECT_LT(worst, 5'000.0) << "a wake-up took longer than any poll interval explains";
}

}  // namespace
}  // namespace es::testing
