// The relay and the consumer over the in-memory bus: order, checkpoints saved only after the
// bus acknowledged, outages, restarts, and exactly-once counting in the inbox.
#include "es/bus/relay.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <set>

#include "es/bus/consumer.h"
#include "es/bus/memory_bus.h"
#include "es/domain/event.h"
#include "es/projection/runner.h"
#include "es/store/memory_store.h"
#include "es/store/sqlite_store.h"
#include "support/events.h"
#include "support/happened.h"
#include "support/temp_dir.h"

namespace es {

namespace {

using std::chrono::seconds;
using testing::describe;
using testing::ids_of;

// `streams` streams of `per_stream` events each, appended round-robin one at a time.
Position append_round_robin(EventStore& store, int streams, int per_stream) {
  Position last;
  for (int v = 0; v < per_stream; ++v) {
    for (int s = 0; s < streams; ++s) {
      auto appended = store.append("item-" + std::to_string(s), ExpectedVersion::any(),
                                   testing::make_events(1));
      EXPECT_TRUE(appended) << describe(appended);
      if (appended) last = appended->last_position;
    }
  }
  return last;
}

// Each stream's versions in the order given: per-stream order means each list counts 1, 2, ….
std::map<std::string, std::vector<std::int64_t>> versions_by_stream(
    const std::vector<RecordedEvent>& events) {
  std::map<std::string, std::vector<std::int64_t>> out;
  for (const RecordedEvent& e : events) out[e.stream].push_back(e.version);
  return out;
}

void expect_each_stream_in_order(const std::vector<RecordedEvent>& events, int streams,
                                 int per_stream) {
  auto by_stream = versions_by_stream(events);
  ASSERT_EQ(by_stream.size(), static_cast<std::size_t>(streams));
  for (const auto& [stream, versions] : by_stream) {
    ASSERT_EQ(versions.size(), static_cast<std::size_t>(per_stream)) << stream;
    for (std::size_t i = 0; i < versions.size(); ++i) {
      ASSERT_EQ(versions[i], static_cast<std::int64_t>(i + 1)) << stream;
    }
  }
}

struct RelayFixture : ::testing::Test {
  std::unique_ptr<EventStore> store = make_memory_store();
  std::unique_ptr<CheckpointStore> checkpoints = make_memory_checkpoint_store();
  MemoryBus bus;
  std::unique_ptr<Publisher> publisher = bus.publisher();

  RelayOptions options(std::uint64_t page_size = 100) {
    return {.name = "to-bus",
            .checkpoints = checkpoints.get(),
            .page_size = page_size,
            .initial_backoff = std::chrono::milliseconds(1),
            .max_backoff = std::chrono::milliseconds(20)};
  }
};

TEST_F(RelayFixture, PublishesTheWholeFeedInPositionOrderThenGoesLive) {
  const Position stored = append_round_robin(*store, 10, 30);
  auto relay = Relay::start(*store, *publisher, options());
  ASSERT_TRUE(relay) << describe(relay);
  ASSERT_TRUE(relay->wait_for(stored, seconds(10)));
  const Position live = append_round_robin(*store, 10, 5);
  ASSERT_TRUE(relay->wait_for(live, seconds(10)));

  const auto messages = bus.messages();
  EXPECT_EQ(ids_of(messages), ids_of(testing::read_everything(*store)));
  EXPECT_EQ(*checkpoints->load("to-bus"), live);
  EXPECT_EQ(relay->progress().events, 350u);
  EXPECT_TRUE(relay->stop().is_ok());
}

TEST_F(RelayFixture, KeepsItsCheckpointWhileTheBusIsAwayAndResumesWithoutLoss) {
  bus.set_available(false);
  const Position stored = append_round_robin(*store, 4, 25);
  auto relay = Relay::start(*store, *publisher, options(10));
  ASSERT_TRUE(relay) << describe(relay);
  // It keeps failing on the first page and never moves its checkpoint past it.
  while (relay->progress().retries < 5)
    ASSERT_FALSE(relay->wait_for(stored, std::chrono::milliseconds(5)));
  EXPECT_FALSE(*checkpoints->load("to-bus"));
  EXPECT_NE(relay->progress().last_error.find("unavailable"), std::string::npos);
  EXPECT_GT(relay->progress().lag.count(), 0);

  bus.set_available(true);
  ASSERT_TRUE(relay->wait_for(stored, seconds(10)));
  EXPECT_EQ(ids_of(bus.messages()), ids_of(testing::read_everything(*store)));
  EXPECT_TRUE(relay->stop().is_ok());
}

TEST_F(RelayFixture, StopDuringAnOutageIsAnOrderlyStop) {
  bus.set_available(false);
  append_round_robin(*store, 1, 3);
  auto relay = Relay::start(*store, *publisher, options());
  ASSERT_TRUE(relay) << describe(relay);
  while (relay->progress().retries == 0) std::this_thread::yield();
  EXPECT_TRUE(relay->stop().is_ok());
  EXPECT_FALSE(*checkpoints->load("to-bus"));
}

TEST_F(RelayFixture, ARestartedRelayResumesAfterItsCheckpoint) {
  const Position first = append_round_robin(*store, 5, 10);
  {
    auto relay = Relay::start(*store, *publisher, options());
    ASSERT_TRUE(relay) << describe(relay);
    ASSERT_TRUE(relay->wait_for(first, seconds(10)));
  }
  const Position second = append_round_robin(*store, 5, 10);
  auto relay = Relay::start(*store, *publisher, options());
  ASSERT_TRUE(relay) << describe(relay);
  ASSERT_TRUE(relay->wait_for(second, seconds(10)));
  EXPECT_EQ(ids_of(bus.messages()), ids_of(testing::read_everything(*store)));
}

TEST_F(RelayFixture, StopsOnAPublishErrorThatIsNotWorthRetrying) {
  class Refusing final : public Publisher {
   protected:
    Status do_publish(std::span<const RecordedEvent>) override {
      return Status::invalid_argument("message too large");
    }
    [[nodiscard]] std::string do_destination() const override { return "refusing"; }
  } refusing;
  append_round_robin(*store, 1, 1);
  auto relay = Relay::start(*store, refusing, options());
  ASSERT_TRUE(relay) << describe(relay);
  ASSERT_TRUE(relay->wait_stopped(seconds(10)));
  EXPECT_EQ(relay->status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(*checkpoints->load("to-bus"));
}

TEST_F(RelayFixture, RefusesOptionsWithoutACheckpoint) {
  auto relay = Relay::start(*store, *publisher, {.name = "x"});
  ASSERT_FALSE(relay);
  EXPECT_EQ(relay.error().code(), StatusCode::kInvalidArgument);
}

struct ConsumerFixture : RelayFixture {
  std::unique_ptr<EventStore> inbox = make_memory_store();
};

TEST_F(ConsumerFixture, TheInboxHoldsEachEventOnceUnderItsIdStreamAndVersion) {
  const Position stored = append_round_robin(*store, 7, 20);
  auto relay = Relay::start(*store, *publisher, options(16));
  ASSERT_TRUE(relay) << describe(relay);
  ASSERT_TRUE(relay->wait_for(stored, seconds(10)));
  // The relay dies before saving its checkpoint: a restart publishes everything again.
  ASSERT_TRUE(relay->stop().is_ok());
  ASSERT_TRUE(checkpoints->remove("to-bus").is_ok());
  relay = Relay::start(*store, *publisher, options(16));
  ASSERT_TRUE(relay) << describe(relay);
  ASSERT_TRUE(relay->wait_for(stored, seconds(10)));
  ASSERT_EQ(bus.messages().size(), 280u);

  auto receiver = bus.receiver("billing");
  auto consumer = Consumer::start(*receiver, *inbox, {.batch_size = 50});
  ASSERT_TRUE(consumer) << describe(consumer);
  ASSERT_TRUE(consumer->wait_for_stored(140, seconds(10)));
  const auto source = testing::read_everything(*store);
  const auto mirrored = testing::read_everything(*inbox);
  ASSERT_EQ(mirrored.size(), 140u);
  std::set<Uuid> mirrored_ids;
  for (const RecordedEvent& e : mirrored) mirrored_ids.insert(e.id);
  const std::vector<Uuid> source_ids = ids_of(source);
  EXPECT_EQ(mirrored_ids, std::set<Uuid>(source_ids.begin(), source_ids.end()));
  expect_each_stream_in_order(mirrored, 7, 20);
  for (std::size_t i = 0; i < source.size(); ++i) {
    auto copy =
        inbox->read_stream(source[i].stream, {.from_version = source[i].version, .max_count = 1});
    ASSERT_TRUE(copy) << describe(copy);
    ASSERT_EQ(copy->events.size(), 1u);
    EXPECT_EQ(copy->events[0].id, source[i].id);
    EXPECT_EQ(copy->events[0].data, source[i].data);
    EXPECT_EQ(copy->events[0].type, source[i].type);
  }
  while (consumer->progress().received < 280) ASSERT_TRUE(consumer->running());
  EXPECT_TRUE(consumer->stop().is_ok());
  EXPECT_EQ(consumer->progress().duplicates, 140u);
}

TEST_F(ConsumerFixture, ARestartedConsumerRefetchesWhatItDidNotAcknowledgeAndDropsTheCopies) {
  const Position stored = append_round_robin(*store, 3, 10);
  auto relay = Relay::start(*store, *publisher, options());
  ASSERT_TRUE(relay) << describe(relay);
  ASSERT_TRUE(relay->wait_for(stored, seconds(10)));
  // A first consumer stored every event but died before its acknowledgement reached the bus:
  // emulated by mirroring with a receiver of another name.
  {
    auto other = bus.receiver("scratch");
    auto consumer = Consumer::start(*other, *inbox, {});
    ASSERT_TRUE(consumer) << describe(consumer);
    ASSERT_TRUE(consumer->wait_for_stored(30, seconds(10)));
  }
  auto receiver = bus.receiver("billing");
  auto consumer = Consumer::start(*receiver, *inbox, {});
  ASSERT_TRUE(consumer) << describe(consumer);
  while (consumer->progress().received < 30) ASSERT_TRUE(consumer->running());
  EXPECT_EQ(consumer->progress().stored, 0u);
  EXPECT_EQ(consumer->progress().duplicates, 30u);
  EXPECT_EQ(testing::read_everything(*inbox).size(), 30u);
}

TEST_F(ConsumerFixture, AMissingVersionOnTheBusStopsTheConsumerNamingTheStream) {
  append_round_robin(*store, 1, 3);
  auto events = testing::read_everything(*store);
  events.erase(events.begin() + 1);  // version 2 never reached the bus
  ASSERT_TRUE(publisher->publish(events).is_ok());
  auto receiver = bus.receiver("billing");
  auto consumer = Consumer::start(*receiver, *inbox, {});
  ASSERT_TRUE(consumer) << describe(consumer);
  ASSERT_FALSE(consumer->wait_for_stored(3, seconds(10)));
  EXPECT_EQ(consumer->status().code(), StatusCode::kConflict);
  EXPECT_NE(consumer->status().message().find("item-0"), std::string_view::npos);
  EXPECT_TRUE(testing::read_everything(*inbox).empty());
}

TEST_F(ConsumerFixture, RidesOutAnOutageOfTheBus) {
  const Position stored = append_round_robin(*store, 2, 10);
  auto relay = Relay::start(*store, *publisher, options());
  ASSERT_TRUE(relay) << describe(relay);
  ASSERT_TRUE(relay->wait_for(stored, seconds(10)));
  bus.set_available(false);
  auto receiver = bus.receiver("billing");
  auto consumer = Consumer::start(*receiver, *inbox,
                                  {.initial_backoff = std::chrono::milliseconds(1),
                                   .max_backoff = std::chrono::milliseconds(10)});
  ASSERT_TRUE(consumer) << describe(consumer);
  while (consumer->progress().retries < 3) ASSERT_TRUE(consumer->running());
  bus.set_available(true);
  ASSERT_TRUE(consumer->wait_for_stored(20, seconds(10)));
  EXPECT_TRUE(consumer->stop().is_ok());
}

TEST_F(RelayFixture, ConsumerWaitsOutABusyInboxAndStoresEverything) {
  const Position stored = append_round_robin(*store, 2, 10);
  auto relay = Relay::start(*store, *publisher, options());
  ASSERT_TRUE(relay) << describe(relay);
  ASSERT_TRUE(relay->wait_for(stored, seconds(10)));
  testing::TempDir dir;
  const std::string path = dir.file("inbox.db");
  auto inbox = open_sqlite(path, {.busy_timeout_ms = 20});
  ASSERT_TRUE(inbox) << describe(inbox);
  // Another process holds the write lock: every store into the inbox times out.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto receiver = bus.receiver("billing");
  auto consumer = Consumer::start(*receiver, **inbox,
                                  {.initial_backoff = std::chrono::milliseconds(1),
                                   .max_backoff = std::chrono::milliseconds(10)});
  ASSERT_TRUE(consumer) << describe(consumer);
  while (consumer->progress().retries < 3) {
    ASSERT_TRUE(consumer->running()) << describe(consumer->status());
  }
  EXPECT_NE(consumer->progress().last_error.find("locked"), std::string::npos);
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  ASSERT_TRUE(consumer->wait_for_stored(20, seconds(10))) << describe(consumer->status());
  EXPECT_EQ(testing::read_everything(**inbox).size(), 20u);
  EXPECT_TRUE(consumer->stop().is_ok());
}

TEST_F(ConsumerFixture, TypedProjectionHandlersRunOnTheInboxOncePerEvent) {
  const Position stored = append_round_robin(*store, 5, 40);
  for (int run = 0; run < 2; ++run) {  // the bus carries every event twice
    ASSERT_TRUE(checkpoints->remove("to-bus").is_ok());
    auto relay = Relay::start(*store, *publisher, options(33));
    ASSERT_TRUE(relay) << describe(relay);
    ASSERT_TRUE(relay->wait_for(stored, seconds(10)));
  }
  auto receiver = bus.receiver("counter");
  auto consumer = Consumer::start(*receiver, *inbox, {});
  ASSERT_TRUE(consumer) << describe(consumer);
  ASSERT_TRUE(consumer->wait_for_stored(200, seconds(10)));

  std::map<std::string, int> seen;  // stream -> events handled
  Projection<> counter("counter");
  counter.on<Happened>([&](const Envelope<Happened>& e) {
    EXPECT_EQ(e.event.n, 0);  // make_events(1): each batch numbers its events from 0
    ++seen[e.recorded.stream];
  });
  auto inbox_checkpoints = make_memory_checkpoint_store();
  ASSERT_TRUE(rebuild_projection(*inbox, *inbox_checkpoints, counter).is_ok());
  ASSERT_EQ(seen.size(), 5u);
  for (const auto& [stream, count] : seen) EXPECT_EQ(count, 40) << stream;
}

}  // namespace
}  // namespace es
