// Subscriptions on every backend: catch-up then live without gap or duplicate under concurrent
// writers, filters that still advance the checkpoint, stop and restart, handler failures,
// conflicting runners, progress and lag signals.
#include "es/projection/subscription.h"

#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include "projection/projection_backends.h"

namespace es::testing {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kPatience{60'000};

// What a handler saw, readable from the test thread.
class Recorder {
 public:
  Status record(const RecordedEvent& e) {
    std::lock_guard lock(mutex_);
    events_.push_back(e);
    return Status::ok();
  }
  std::vector<RecordedEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<RecordedEvent> events_;
};

class SubscriptionTest : public ProjectionTest {
 protected:
  Position head() {
    auto h = store().head_position();
    EXPECT_TRUE(h.has_value()) << h.error().to_string();
    return h.value_or(Position::start());
  }
  std::optional<Position> saved(const std::string& name) {
    auto loaded = checkpoints().load(name);
    EXPECT_TRUE(loaded.has_value()) << loaded.error().to_string();
    return loaded.value_or(std::nullopt);
  }
  Subscription start(SubscriptionOptions options, EventHandler handler) {
    auto sub = Subscription::start(store(), std::move(options), std::move(handler));
    EXPECT_TRUE(sub.has_value()) << sub.error().to_string();
    return std::move(sub.value());
  }
};

void expect_same_feed(const std::vector<RecordedEvent>& delivered,
                      const std::vector<RecordedEvent>& stored) {
  ASSERT_EQ(delivered.size(), stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    ASSERT_EQ(delivered[i].id, stored[i].id) << "at " << i;
    ASSERT_EQ(delivered[i].position, stored[i].position) << "at " << i;
  }
}

TEST_P(SubscriptionTest, CatchesUpThenGoesLiveDeliveringEveryEventOnceInOrderUnderWriters) {
  constexpr int kWriters = 4;
  constexpr int kAppendsPerWriter = 60;
  for (int i = 0; i < 10; ++i) append_events("before-" + std::to_string(i), 25);
  Recorder recorder;
  std::promise<void> caught_up;
  std::once_flag once;
  Subscription sub = start({.page_size = 64,
                            .on_caught_up =
                                [&](const SubscriptionProgress&) {
                                  std::call_once(once, [&] { caught_up.set_value(); });
                                }},
                           [&](const RecordedEvent& e) { return recorder.record(e); });
  std::latch go(kWriters + 1);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      go.arrive_and_wait();
      for (int a = 0; a < kAppendsPerWriter; ++a) {
        const auto events = make_events(static_cast<std::size_t>(1 + (a % 3)));
        auto r = store().append("live-" + std::to_string(w), ExpectedVersion::any(), events);
        EXPECT_TRUE(r.has_value()) << r.error().to_string();
      }
    });
  }
  go.arrive_and_wait();
  for (auto& t : writers) t.join();
  ASSERT_TRUE(sub.wait_for(head(), kPatience)) << sub.status().to_string();
  EXPECT_EQ(caught_up.get_future().wait_for(kPatience), std::future_status::ready);
  ES_EXPECT_OK(sub.stop());
  expect_same_feed(recorder.events(), read_everything(store()));
  EXPECT_EQ(sub.progress().events, recorder.events().size());
}

TEST_P(SubscriptionTest, EventsTheFilterDropsStillAdvanceTheCheckpoint) {
  append_events("order-1", 3, "shop.OrderPlaced");
  append_events("cart-1", 2, "shop.ItemAdded");
  append_events("order-2", 1, "shop.OrderShipped");
  append_events("cart-2", 4, "shop.ItemAdded");  // the newest events are all dropped
  Recorder recorder;
  Subscription sub =
      start({.name = "orders", .checkpoints = &checkpoints(), .filter = {.categories = {"order"}}},
            [&](const RecordedEvent& e) { return recorder.record(e); });
  ASSERT_TRUE(sub.wait_for(head(), kPatience)) << sub.status().to_string();
  ES_EXPECT_OK(sub.stop());
  const auto seen = recorder.events();
  ASSERT_EQ(seen.size(), 4U);
  for (const RecordedEvent& e : seen) EXPECT_TRUE(e.stream.starts_with("order-")) << e.stream;
  EXPECT_EQ(saved("orders"), std::optional<Position>(head()));
}

TEST_P(SubscriptionTest, ATypeFilterDeliversOnlyThoseTypes) {
  append_events("a-1", 2, "t.Wanted");
  append_events("a-1", 3, "t.Other");
  append_events("a-2", 1, "t.Wanted");
  Recorder recorder;
  Subscription sub = start({.filter = {.types = {"t.Wanted"}}},
                           [&](const RecordedEvent& e) { return recorder.record(e); });
  ASSERT_TRUE(sub.wait_for(head(), kPatience));
  ES_EXPECT_OK(sub.stop());
  const auto seen = recorder.events();
  ASSERT_EQ(seen.size(), 3U);
  for (const RecordedEvent& e : seen) EXPECT_EQ(e.type, "t.Wanted");
}

TEST_P(SubscriptionTest, AStoppedSubscriptionRestartsFromItsCheckpointWithoutLossOrDuplicate) {
  for (int i = 0; i < 20; ++i) append_events("s-" + std::to_string(i), 50);
  Recorder first;
  std::latch enough(1);
  std::promise<void> resume;
  std::shared_future<void> resumed = resume.get_future().share();
  int handled = 0;
  Subscription sub = start({.name = "resumable", .checkpoints = &checkpoints(), .page_size = 100},
                           [&](const RecordedEvent& e) {
                             Status s = first.record(e);
                             if (++handled == 250) {
                               // Hold event 250 until the stop is requested: mid catch-up.
                               enough.count_down();
                               resumed.wait();
                             }
                             return s;
                           });
  enough.wait();
  sub.request_stop();
  resume.set_value();
  ES_ASSERT_OK(sub.stop());
  const auto before = first.events();
  ASSERT_EQ(before.size(), 250U);
  EXPECT_EQ(saved("resumable"), std::optional<Position>(before.back().position));

  Recorder second;
  Subscription again = start({.name = "resumable", .checkpoints = &checkpoints()},
                             [&](const RecordedEvent& e) { return second.record(e); });
  ASSERT_TRUE(again.wait_for(head(), kPatience)) << again.status().to_string();
  ES_EXPECT_OK(again.stop());
  auto all = before;
  const auto after = second.events();
  all.insert(all.end(), after.begin(), after.end());
  expect_same_feed(all, read_everything(store()));
}

TEST_P(SubscriptionTest, AHandlerErrorStopsTheSubscriptionAndKeepsTheFailingEventForRetry) {
  append_events("s-1", 10);
  const auto stored = read_everything(store());
  int calls = 0;
  Subscription sub = start({.name = "fragile", .checkpoints = &checkpoints()},
                           [&](const RecordedEvent& e) -> Status {
                             ++calls;
                             if (e.position == stored[4].position) return Status::rejected("boom");
                             return Status::ok();
                           });
  ASSERT_TRUE(sub.wait_stopped(kPatience));
  EXPECT_FALSE(sub.running());
  EXPECT_EQ(sub.status().code(), StatusCode::kRejected) << sub.status().to_string();
  EXPECT_EQ(sub.stop().code(), StatusCode::kRejected);
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(sub.progress().delivered, stored[3].position);
  EXPECT_EQ(saved("fragile"), std::optional<Position>(stored[3].position));

  Recorder retry;
  Subscription again = start({.name = "fragile", .checkpoints = &checkpoints()},
                             [&](const RecordedEvent& e) { return retry.record(e); });
  ASSERT_TRUE(again.wait_for(head(), kPatience));
  ES_EXPECT_OK(again.stop());
  ASSERT_EQ(retry.events().size(), 6U);
  EXPECT_EQ(retry.events().front().id, stored[4].id);
}

TEST_P(SubscriptionTest, AThrowingHandlerStopsTheSubscriptionWithAnInternalError) {
  append_events("s-1", 1);
  Subscription sub =
      start({}, [](const RecordedEvent&) -> Status { throw std::runtime_error("handler bug"); });
  ASSERT_TRUE(sub.wait_stopped(kPatience));
  EXPECT_EQ(sub.status().code(), StatusCode::kInternal);
  EXPECT_NE(sub.status().message().find("handler bug"), std::string_view::npos);
}

TEST_P(SubscriptionTest, ASecondRunnerThatMovedTheCheckpointStopsTheFirstWithAConflict) {
  append_events("s-1", 3);
  Subscription sub = start({.name = "single", .checkpoints = &checkpoints()},
                           [](const RecordedEvent&) { return Status::ok(); });
  ASSERT_TRUE(sub.wait_for(head(), kPatience));
  // Another runner under the same name advanced the checkpoint meanwhile.
  ES_ASSERT_OK(checkpoints().save("single", head(), Position(0, 1'000'000)));
  append_events("s-1", 1);
  ASSERT_TRUE(sub.wait_stopped(kPatience));
  EXPECT_EQ(sub.status().code(), StatusCode::kConflict) << sub.status().to_string();
  EXPECT_EQ(saved("single"), std::optional<Position>(Position(0, 1'000'000)));
}

TEST_P(SubscriptionTest, StopAtHeadEndsOnceCaughtUp) {
  append_events("s-1", 7);
  Recorder recorder;
  Subscription sub =
      start({.stop_at_head = true}, [&](const RecordedEvent& e) { return recorder.record(e); });
  ASSERT_TRUE(sub.wait_stopped(kPatience));
  ES_EXPECT_OK(sub.status());
  EXPECT_EQ(recorder.events().size(), 7U);
  EXPECT_TRUE(sub.progress().caught_up);
}

TEST_P(SubscriptionTest, ReportsTheHeadWhileBehindAndSignalsFallingBehindAndCatchingUp) {
  append_events("s-1", 4);
  const Position first_head = head();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> blocked;
  std::atomic<bool> first_call{true};
  std::atomic<int> caught_up{0}, fell_behind{0};
  Subscription sub = start({.page_size = 1,
                            .on_caught_up =
                                [&](const SubscriptionProgress& p) {
                                  EXPECT_TRUE(p.caught_up);
                                  ++caught_up;
                                },
                            .on_fell_behind = [&](const SubscriptionProgress&) { ++fell_behind; }},
                           [&](const RecordedEvent&) {
                             if (first_call.exchange(false)) {
                               blocked.set_value();
                               released.wait();
                             }
                             return Status::ok();
                           });
  blocked.get_future().wait();
  // The handler holds the first event: nothing delivered yet, the head is known.
  const SubscriptionProgress behind = sub.progress();
  EXPECT_EQ(behind.delivered, Position::start());
  EXPECT_EQ(behind.head, first_head);
  EXPECT_FALSE(behind.caught_up);
  release.set_value();
  ASSERT_TRUE(sub.wait_for(first_head, kPatience));
  append_events("s-1", 5);  // more than a page (1 event) arrives at once
  ASSERT_TRUE(sub.wait_for(head(), kPatience));
  ES_EXPECT_OK(sub.stop());
  EXPECT_GE(fell_behind.load(), 1);
  EXPECT_GE(caught_up.load(), 2);
}

TEST_P(SubscriptionTest, RejectsANameWithoutACheckpointStore) {
  auto sub = Subscription::start(store(), {.name = "x"},
                                 [](const RecordedEvent&) { return Status::ok(); });
  EXPECT_EQ(code_of(sub), StatusCode::kInvalidArgument);
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(SubscriptionTest);

}  // namespace
}  // namespace es::testing
