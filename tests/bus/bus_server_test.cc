// The relay and the consumer against a real bus server (ES_TEST_BUS_SCHEME: redis or nats),
// started by CTest from the project's scripts on 127.0.0.1: kill -9 of `es relay` and of
// `es consume` midway, and the server stopped and started again mid-relay. After each, the bus
// holds every event in order per stream, and a read model fed from the inbox counts each event
// exactly once.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "bus/bus_server.h"
#include "es/bus/consumer.h"
#include "es/bus/relay.h"
#include "es/domain/event.h"
#include "es/projection/runner.h"
#include "es/store/memory_store.h"
#include "es/store/sqlite_store.h"
#include "sqlite/child_process.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/happened.h"
#include "support/temp_dir.h"

#if ES_TEST_HAS_NATS
#include <nats/nats.h>
#endif

namespace es {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::describe;
using testing::ids_of;

constexpr milliseconds kPatience{120'000};

// `streams` × `per_stream` events, a batch of `per_stream` per stream; the head after them.
Position fill(EventStore& store, int streams, int per_stream, const std::string& prefix = "item") {
  Position last;
  for (int s = 0; s < streams; ++s) {
    auto appended = store.append(prefix + "-" + std::to_string(s), ExpectedVersion::any(),
                                 testing::make_events(static_cast<std::size_t>(per_stream)));
    EXPECT_TRUE(appended) << describe(appended);
    if (appended) last = appended->last_position;
  }
  return last;
}

// Everything on the bus, read by a receiver of its own, until it has seen `expected` distinct
// events (copies may come too) or nothing new arrived for kPatience: a quiet spell of a few
// seconds is not the end on a loaded machine.
std::vector<RecordedEvent> read_whole_bus(const BusUrl& url, std::size_t expected) {
  auto receiver = testing::open_test_receiver(url, "audit-" + Uuid::v7().to_string().substr(24));
  std::vector<RecordedEvent> all;
  if (!receiver) return all;
  std::set<Uuid> distinct;
  auto last_progress = std::chrono::steady_clock::now();
  while (distinct.size() < expected &&
         std::chrono::steady_clock::now() - last_progress < kPatience) {
    auto batch = receiver->fetch(5000, milliseconds(2000));
    EXPECT_TRUE(batch) << describe(batch);
    if (!batch) return all;
    if (batch->empty()) continue;
    for (const RecordedEvent& e : *batch) distinct.insert(e.id);
    all.insert(all.end(), batch->begin(), batch->end());
    EXPECT_TRUE(receiver->ack().is_ok());
    last_progress = std::chrono::steady_clock::now();
  }
  return all;
}

// The bus holds every event of `source`, and each stream's events first appear in version
// order 1, 2, … (copies of a restart come after the originals and only repeat).
void expect_every_event_in_order_per_stream(const std::vector<RecordedEvent>& bus,
                                            const std::vector<RecordedEvent>& source) {
  std::map<std::string, std::int64_t> highest;
  std::set<Uuid> ids;
  for (const RecordedEvent& e : bus) {
    std::int64_t& seen = highest[e.stream];
    if (e.version > seen) {
      ASSERT_EQ(e.version, seen + 1) << e.stream << ": a version is missing or out of order";
      seen = e.version;
    }
    ids.insert(e.id);
  }
  const std::vector<Uuid> source_ids = ids_of(source);
  EXPECT_EQ(ids, std::set<Uuid>(source_ids.begin(), source_ids.end()));
}

// A read model in the inbox file: how many events each stream delivered, exactly-once.
Projection<Tx> counting_projection() {
  Projection<Tx> counts("counts");
  counts.on_start([](Tx& tx) {
    return tx.exec("CREATE TABLE IF NOT EXISTS counts (stream TEXT PRIMARY KEY, n INTEGER)");
  });
  counts.on<Happened>([](const Envelope<Happened>& e, Tx& tx) {
    return tx.exec(
        "INSERT INTO counts (stream, n) VALUES (?1, 1) ON CONFLICT (stream) DO UPDATE SET n = n + "
        "1",
        e.recorded.stream);
  });
  return counts;
}

// Runs the counting projection on the inbox file to its head and checks each stream counted
// `per_stream` events.
void expect_counted_once(const std::string& inbox_path, int streams, int per_stream) {
  auto inbox = open_sqlite(inbox_path);
  ASSERT_TRUE(inbox) << describe(inbox);
  const Projection<Tx> counts = counting_projection();
  ASSERT_TRUE(rebuild_sqlite_projection(**inbox, inbox_path, counts).is_ok());
  const auto wrong = testing::sqlite_query(
      inbox_path, "SELECT stream || '=' || n FROM counts WHERE n <> " + std::to_string(per_stream));
  EXPECT_TRUE(wrong.empty()) << wrong.front();
  EXPECT_EQ(testing::sqlite_query(inbox_path, "SELECT count(*) FROM counts"),
            std::vector<std::string>{std::to_string(streams)});
}

class BusServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  const std::string kScheme = GetParam();
  testing::TempDir dir;
  std::unique_ptr<CheckpointStore> checkpoints = make_memory_checkpoint_store();
};

TEST_P(BusServerTest, RelaysEveryEventInOrderAndTheConsumerStoresEachOnce) {
  auto store = make_memory_store();
  const Position head = fill(*store, 50, 200);
  const BusUrl url = testing::fresh_bus_url(kScheme);
  auto publisher = testing::open_test_publisher(url);
  ASSERT_NE(publisher, nullptr);
  {
    auto relay = Relay::start(*store, *publisher, {.name = "r", .checkpoints = checkpoints.get()});
    ASSERT_TRUE(relay) << describe(relay);
    ASSERT_TRUE(relay->wait_for(head, kPatience)) << relay->status().to_string();
  }
  // A second relay without the checkpoint publishes everything again: copies on the bus.
  ASSERT_TRUE(checkpoints->remove("r").is_ok());
  auto relay = Relay::start(*store, *publisher, {.name = "r", .checkpoints = checkpoints.get()});
  ASSERT_TRUE(relay) << describe(relay);
  ASSERT_TRUE(relay->wait_for(head, kPatience)) << relay->status().to_string();

  auto inbox = make_memory_store();
  auto receiver = testing::open_test_receiver(url, "mirror");
  ASSERT_NE(receiver, nullptr);
  auto consumer = Consumer::start(*receiver, *inbox, {});
  ASSERT_TRUE(consumer) << describe(consumer);
  ASSERT_TRUE(consumer->wait_for_stored(10'000, kPatience)) << consumer->status().to_string();
  const auto source = testing::read_everything(*store);
  const auto mirrored = testing::read_everything(*inbox);
  ASSERT_EQ(mirrored.size(), source.size());
  expect_every_event_in_order_per_stream(mirrored, source);
  expect_every_event_in_order_per_stream(read_whole_bus(url, source.size()), source);
}

TEST_P(BusServerTest, KillNineOfEsRelayAndEsConsumeMidwayLosesAndDoublesNothing) {
  constexpr int kStreams = 1000, kPerStream = 100;  // 100,000 events
  const std::string source_path = dir.file("source.db");
  const std::string inbox_path = dir.file("inbox.db");
  auto store = open_sqlite(source_path);
  ASSERT_TRUE(store) << describe(store);
  const Position head = fill(**store, kStreams, kPerStream);
  auto relay_checkpoints = open_sqlite_checkpoint_store(source_path);
  ASSERT_TRUE(relay_checkpoints) << describe(relay_checkpoints);
  const BusUrl url = testing::fresh_bus_url(kScheme);
  const std::vector<std::string> relay_args = {
      "--db",    source_path, "relay",          "--to", url.to_string(), "--name", "outbox",
      "--batch", "200",       "--report-every", "0"};
  {
    testing::ChildProcess relay(relay_args);
    // Kill it once its checkpoint moved, long before the head.
    for (;;) {
      auto saved = (*relay_checkpoints)->load("outbox");
      ASSERT_TRUE(saved) << describe(saved);
      if (*saved && **saved >= Position(0, 20'000)) break;
      // Waits a little for output; false once the child closed it (it ended).
      ASSERT_TRUE(relay.read_some(milliseconds(5))) << "es relay ended early";
    }
    relay.kill_hard();
    EXPECT_EQ(relay.wait(), 128 + 9);
  }
  auto killed_at = (*relay_checkpoints)->load("outbox");
  ASSERT_TRUE(killed_at && *killed_at);
  EXPECT_LT(**killed_at, head) << "the relay finished before it was killed";

  std::vector<std::string> rest = relay_args;
  rest.push_back("--stop-at-head");
  {
    testing::ChildProcess relay(rest);
    relay.read_to_end();
    EXPECT_EQ(relay.wait(), 0);
  }
  auto finished_at = (*relay_checkpoints)->load("outbox");
  ASSERT_TRUE(finished_at && *finished_at);
  EXPECT_EQ(**finished_at, head);
  const auto source = testing::read_everything(**store);
  expect_every_event_in_order_per_stream(read_whole_bus(url, source.size()), source);

  // The consumer process dies midway too, and a second one finishes.
  const std::vector<std::string> consume_args = {
      "--db",    inbox_path, "consume",        "--from", url.to_string(), "--name", "billing",
      "--batch", "500",      "--report-every", "0"};
  {
    testing::ChildProcess consume(consume_args);
    for (;;) {
      auto inbox = open_sqlite(inbox_path);
      if (inbox) {
        auto inbox_head = (*inbox)->head_position();
        if (inbox_head && *inbox_head >= Position(0, 30'000)) break;
      }
      ASSERT_TRUE(consume.read_some(milliseconds(20))) << "es consume ended early";
    }
    consume.kill_hard();
    EXPECT_EQ(consume.wait(), 128 + 9);
  }
  {
    testing::ChildProcess consume(consume_args);
    auto inbox = open_sqlite(inbox_path);
    ASSERT_TRUE(inbox) << describe(inbox);
    Position inbox_head;
    while (inbox_head < Position(0, kStreams * kPerStream)) {
      ASSERT_TRUE(consume.read_some(milliseconds(0))) << "es consume ended early";
      auto woke = (*inbox)->wait_for_append(inbox_head, milliseconds(1000));
      ASSERT_TRUE(woke) << describe(woke);
      inbox_head = *woke;
    }
    consume.kill_hard();  // it has stored everything; how it ends does not matter here
    (void)consume.wait();
  }
  auto inbox = open_sqlite(inbox_path);
  ASSERT_TRUE(inbox) << describe(inbox);
  const auto mirrored = testing::read_everything(**inbox);
  ASSERT_EQ(mirrored.size(), source.size());
  expect_every_event_in_order_per_stream(mirrored, source);
  inbox->reset();
  expect_counted_once(inbox_path, kStreams, kPerStream);
}

TEST_P(BusServerTest, TheRelayAndTheConsumerRideOutAServerRestart) {
  auto store = make_memory_store();
  const Position before = fill(*store, 20, 100, "before");
  const BusUrl url = testing::fresh_bus_url(kScheme);
  auto publisher = testing::open_test_publisher(url);
  auto receiver = testing::open_test_receiver(url, "mirror");
  ASSERT_NE(publisher, nullptr);
  ASSERT_NE(receiver, nullptr);
  auto inbox = make_memory_store();
  auto relay = Relay::start(*store, *publisher,
                            {.name = "r",
                             .checkpoints = checkpoints.get(),
                             .page_size = 100,
                             .initial_backoff = milliseconds(20),
                             .max_backoff = milliseconds(200)});
  ASSERT_TRUE(relay) << describe(relay);
  auto consumer = Consumer::start(
      *receiver, *inbox, {.initial_backoff = milliseconds(20), .max_backoff = milliseconds(200)});
  ASSERT_TRUE(consumer) << describe(consumer);
  ASSERT_TRUE(relay->wait_for(before, kPatience));

  ASSERT_TRUE(testing::stop_bus_server(kScheme));
  const Position during = fill(*store, 20, 100, "during");
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (relay->progress().retries == 0) {
    ASSERT_TRUE(relay->running());
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the relay never noticed the outage";
  }
  EXPECT_FALSE(relay->progress().last_error.empty());
  EXPECT_LT(*checkpoints->load("r"), std::optional<Position>(during));
  ASSERT_TRUE(testing::start_bus_server(kScheme));

  ASSERT_TRUE(relay->wait_for(during, kPatience)) << relay->status().to_string();
  ASSERT_TRUE(consumer->wait_for_stored(4000, kPatience)) << consumer->status().to_string();
  const auto source = testing::read_everything(*store);
  expect_every_event_in_order_per_stream(testing::read_everything(*inbox), source);
  expect_every_event_in_order_per_stream(read_whole_bus(url, source.size()), source);
  EXPECT_TRUE(relay->stop().is_ok());
  EXPECT_TRUE(consumer->stop().is_ok());
}

// Named after the bus, so that the redis and nats executables' tests differ in CTest.
#if ES_TEST_HAS_NATS
// The JetStream stream of a fresh subject, created before the adapter sees it with messages of at
// most 2,048 bytes, so that the server refuses a larger one.
class SmallMessageStream {
 public:
  SmallMessageStream() {
    std::replace(name_.begin(), name_.end(), '.', '_');
    natsConnection* raw = nullptr;
    EXPECT_EQ(natsConnection_ConnectTo(&raw, testing::test_bus_server("nats").c_str()), NATS_OK);
    connection_.reset(raw);
    jsCtx* js = nullptr;
    EXPECT_EQ(natsConnection_JetStream(&js, connection_.get(), nullptr), NATS_OK);
    js_.reset(js);
    EXPECT_EQ(js_AddStream(nullptr, js_.get(), config(2048), nullptr, nullptr), NATS_OK);
  }

  // Lets messages of any size in from now on.
  void lift_the_limit() {
    EXPECT_EQ(js_UpdateStream(nullptr, js_.get(), config(-1), nullptr, nullptr), NATS_OK);
  }

  // How many messages the stream holds.
  std::uint64_t messages() {
    jsStreamInfo* info = nullptr;
    EXPECT_EQ(js_GetStreamInfo(&info, js_.get(), name_.c_str(), nullptr, nullptr), NATS_OK);
    const std::uint64_t n = info == nullptr ? 0 : info->State.Msgs;
    jsStreamInfo_Destroy(info);
    return n;
  }

  const BusUrl url = testing::fresh_bus_url("nats");

 private:
  jsStreamConfig* config(std::int32_t max_message_size) {
    jsStreamConfig_Init(&config_);
    config_.Name = name_.c_str();
    config_.Subjects = subjects_;
    config_.SubjectsLen = 1;
    config_.MaxMsgSize = max_message_size;
    return &config_;
  }

  std::string name_ = "ES_" + url.target;  // as the adapter names it
  const char* subjects_[1] = {url.target.c_str()};
  jsStreamConfig config_{};
  std::unique_ptr<natsConnection, decltype(&natsConnection_Destroy)> connection_{
      nullptr, &natsConnection_Destroy};
  std::unique_ptr<jsCtx, decltype(&jsCtx_Destroy)> js_{nullptr, &jsCtx_Destroy};
};

// An event larger than the stream allows, in the middle of a batch.
std::vector<EventData> events_with_a_large_one(std::size_t count, std::size_t large) {
  std::vector<EventData> events = testing::make_events(count);
  events[large].data = R"({"n":")" + std::string(4096, 'x') + R"("})";
  return events;
}

// JetStream refusing a message in the middle of a batch stores none of the later ones either
// (they expect the refused one as the stream's last), and the batch's one acknowledgement, of
// its last message, is an error: the bus holds only the prefix before the refused message.
TEST(NatsPublisherTest, AMessageTheServerRefusesKeepsTheRestOfItsBatchOffTheBus) {
  SmallMessageStream stream;
  auto store = make_memory_store();
  ASSERT_TRUE(store->append("item-1", ExpectedVersion::any(), events_with_a_large_one(3, 1)));
  auto publisher = testing::open_test_publisher(stream.url);
  ASSERT_NE(publisher, nullptr);
  EXPECT_FALSE(publisher->publish(testing::read_everything(*store)).is_ok());
  EXPECT_EQ(stream.messages(), 1U) << "the event after the refused one is on the bus";
}

// The relay publishes a page again while a message in its middle is refused; once the server
// takes it, the bus holds every event exactly once (the republished prefix is acknowledged as
// duplicates) and in order per stream.
TEST(NatsPublisherTest, TheRelayRepublishesABatchWithARefusedMessageAndLosesNothing) {
  SmallMessageStream stream;
  auto store = make_memory_store();
  fill(*store, 2, 10, "before");
  ASSERT_TRUE(store->append("large", ExpectedVersion::any(), events_with_a_large_one(10, 4)));
  const Position head = fill(*store, 2, 10, "after");
  auto publisher = testing::open_test_publisher(stream.url);
  ASSERT_NE(publisher, nullptr);
  auto checkpoints = make_memory_checkpoint_store();
  auto relay = Relay::start(*store, *publisher,
                            {.name = "r",
                             .checkpoints = checkpoints.get(),
                             .page_size = 50,
                             .initial_backoff = milliseconds(20),
                             .max_backoff = milliseconds(200)});
  ASSERT_TRUE(relay) << describe(relay);
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (relay->progress().retries == 0) {
    ASSERT_LT(relay->progress().published, head) << "the relay went past the refused event";
    ASSERT_TRUE(relay->running());
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the relay never retried";
  }
  EXPECT_EQ(stream.messages(), 24U) << "only the 24 events before the refused one";
  stream.lift_the_limit();

  ASSERT_TRUE(relay->wait_for(head, kPatience)) << relay->status().to_string();
  EXPECT_EQ(stream.messages(), 50U);
  const auto source = testing::read_everything(*store);
  expect_every_event_in_order_per_stream(read_whole_bus(stream.url, source.size()), source);
  EXPECT_TRUE(relay->stop().is_ok());
}
// One fetch takes everything the consumer holds up to its max_count, also beyond the server's
// default bound of 1,000 delivered and unacknowledged messages.
TEST(NatsReceiverTest, OneFetchTakesMoreThanAThousandMessages) {
  const BusUrl url = testing::fresh_bus_url("nats");
  auto store = make_memory_store();
  fill(*store, 3, 500);
  auto publisher = testing::open_test_publisher(url);
  auto receiver = testing::open_test_receiver(url, "all-at-once");
  ASSERT_NE(publisher, nullptr);
  ASSERT_NE(receiver, nullptr);
  ASSERT_TRUE(publisher->publish(testing::read_everything(*store)).is_ok());
  auto fetched = receiver->fetch(1500, seconds(10));
  ASSERT_TRUE(fetched) << describe(fetched);
  EXPECT_EQ(fetched->size(), 1500U);
}
#endif

INSTANTIATE_TEST_SUITE_P(Bus, BusServerTest, ::testing::Values(std::string(ES_TEST_BUS_SCHEME)),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace es
