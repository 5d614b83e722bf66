// es_bus_bench: the bus figures of docs/benchmarks.md, against a running server named by URL
// (scripts/redis.sh, scripts/nats.sh start one on 127.0.0.1).
//
//   es_bus_bench redis://127.0.0.1:PORT [EVENTS [PAGE]]   or   nats://127.0.0.1:PORT [EVENTS
//   [PAGE]]
//
// Prints one JSON line per figure:
//   relay       EVENTS events (~200-byte data) from an in-memory store through Relay (pages of
//               PAGE, default RelayOptions' page_size; checkpoint saved after each acknowledged
//               page) to a fresh stream/subject, against the baseline: the same publisher
//               publishing the same pages directly (no subscription, no checkpoint) to another
//               fresh stream/subject, same run. For NATS also raw_async_publish: the same
//               events straight through libnats with one acknowledgement per message
//               (js_PublishMsgAsync, js_PublishAsyncComplete per page), to a third subject.
//   end_to_end  2,000 single appends paced at 1 ms, relayed live and consumed into an in-memory
//               inbox: recorded_at at the source → stored in the inbox, p50 and p99.
// Each figure verifies what it measured (counts) and says so in "verified".
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "es/bus/consumer.h"
#include "es/bus/redis.h"
#include "es/bus/relay.h"
#include "es/core/uuid.h"
#include "es/projection/checkpoint_store.h"
#include "es/store/memory_store.h"
#if ES_BENCH_HAS_NATS
#include <nats/nats.h>

#include "es/bus/envelope.h"
#include "es/bus/nats.h"
#endif

namespace {

using Clock = std::chrono::steady_clock;

std::string payload(int i) {
  return fmt::format(
      R"({{"stream":"item-{}","seq":{},"sku":"SKU-{:08d}","qty":{},"price":{},"note":"{}"}})",
      i % 1000, i, i, i % 7 + 1, 100 + i % 900, std::string(96, 'x'));
}

es::BusUrl fresh(const std::string& server, const std::string& label) {
  const std::string id = es::Uuid::v7().to_string().substr(24);
  const bool nats = server.starts_with("nats://");
  auto url = es::parse_bus_url(server + "/" +
                               (nats ? "bench." + label + "." + id : "bench-" + label + "-" + id));
  if (!url) {
    std::cerr << url.error().to_string() << "\n";
    std::exit(2);
  }
  return *url;
}

std::unique_ptr<es::Publisher> publisher_for(const es::BusUrl& url) {
#if ES_BENCH_HAS_NATS
  auto p = url.scheme == "nats" ? es::make_nats_publisher(url) : es::make_redis_publisher(url);
#else
  auto p = es::make_redis_publisher(url);
#endif
  if (!p) std::exit(2);
  return std::move(*p);
}

std::unique_ptr<es::Receiver> receiver_for(const es::BusUrl& url) {
#if ES_BENCH_HAS_NATS
  auto r = url.scheme == "nats" ? es::make_nats_receiver(url, "bench")
                                : es::make_redis_receiver(url, "bench");
#else
  auto r = es::make_redis_receiver(url, "bench");
#endif
  if (!r) std::exit(2);
  return std::move(*r);
}

#if ES_BENCH_HAS_NATS
// Seconds for `events` published to a fresh subject straight through libnats the usual way
// (the adapter's method before it chained one acknowledgement per batch): each message a
// js_PublishMsgAsync with the same headers (Nats-Msg-Id, es-<field>, Nats-Expected-Last-Msg-Id),
// then js_PublishAsyncComplete for each page; every message acknowledged by the server.
double raw_async_publish_seconds(const es::BusUrl& url, std::span<const es::RecordedEvent> events,
                                 std::size_t page_size) {
  natsConnection* connection = nullptr;
  jsCtx* js = nullptr;
  const std::string server = fmt::format("nats://{}:{}", url.host, url.port);
  if (natsConnection_ConnectTo(&connection, server.c_str()) != NATS_OK) std::exit(1);
  jsOptions options;
  jsOptions_Init(&options);
  options.PublishAsync.MaxPending = 1 << 16;
  if (natsConnection_JetStream(&js, connection, &options) != NATS_OK) std::exit(1);
  std::string name = "RAW_" + url.target;
  std::replace(name.begin(), name.end(), '.', '_');
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = name.c_str();
  const char* subjects[] = {url.target.c_str()};
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  if (js_AddStream(nullptr, js, &config, nullptr, nullptr) != NATS_OK) std::exit(1);
  const auto start = Clock::now();
  for (std::size_t i = 0; i < events.size(); ++i) {
    natsMsg* message = nullptr;
    const es::RecordedEvent& event = events[i];
    natsMsg_Create(&message, url.target.c_str(), nullptr, event.data.data(),
                   static_cast<int>(event.data.size()));
    for (const auto& [field, value] : es::envelope_fields(event)) {
      if (field == es::kEnvelopeData || value.empty()) continue;
      if (field == es::kEnvelopeId) natsMsgHeader_Set(message, "Nats-Msg-Id", value.c_str());
      natsMsgHeader_Set(message, ("es-" + std::string(field)).c_str(), value.c_str());
    }
    if (i % page_size != 0) {
      natsMsgHeader_Set(message, "Nats-Expected-Last-Msg-Id", events[i - 1].id.to_string().c_str());
    }
    if (js_PublishMsgAsync(js, &message, nullptr) != NATS_OK) std::exit(1);
    if ((i + 1) % page_size == 0 || i + 1 == events.size()) {
      if (js_PublishAsyncComplete(js, nullptr) != NATS_OK) std::exit(1);
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  jsStreamInfo* info = nullptr;
  const bool all = js_GetStreamInfo(&info, js, name.c_str(), nullptr, nullptr) == NATS_OK &&
                   info->State.Msgs == events.size();
  jsStreamInfo_Destroy(info);
  js_DeleteStream(js, name.c_str(), nullptr, nullptr);
  jsCtx_Destroy(js);
  natsConnection_Destroy(connection);
  if (!all) std::exit(1);
  return seconds;
}
#endif

void relay_figure(const std::string& server, int events, std::uint64_t page_size) {
  auto store = es::make_memory_store();
  for (int i = 0; i < events; i += 100) {
    std::vector<es::EventData> batch;
    for (int j = i; j < i + 100 && j < events; ++j) {
      batch.push_back({.type = "bench.ItemAdded", .data = payload(j)});
    }
    if (!store->append("item-" + std::to_string(i / 100 % 1000), es::ExpectedVersion::any(),
                       batch)) {
      std::exit(1);
    }
  }
  auto head = store->head_position();
  auto all = store->read_all({.max_count = static_cast<std::uint64_t>(events)});
  if (!head || !all) std::exit(1);

  auto baseline_publisher = publisher_for(fresh(server, "raw"));
  const auto raw_start = Clock::now();
  for (std::size_t i = 0; i < all->events.size(); i += page_size) {
    const std::size_t n = std::min<std::size_t>(page_size, all->events.size() - i);
    if (!baseline_publisher->publish({all->events.data() + i, n}).is_ok()) std::exit(1);
  }
  const double raw_seconds = std::chrono::duration<double>(Clock::now() - raw_start).count();
  std::string raw_async;
#if ES_BENCH_HAS_NATS
  if (server.starts_with("nats://")) {
    const double seconds =
        raw_async_publish_seconds(fresh(server, "async"), all->events, page_size);
    raw_async = fmt::format(R"("raw_async_publish_events_per_s":{:.0f},)", events / seconds);
  }
#endif

  const es::BusUrl url = fresh(server, "relay");
  auto publisher = publisher_for(url);
  auto checkpoints = es::make_memory_checkpoint_store();
  const auto start = Clock::now();
  auto relay =
      es::Relay::start(*store, *publisher,
                       {.name = "bench", .checkpoints = checkpoints.get(), .page_size = page_size});
  if (!relay || !relay->wait_for(*head, std::chrono::minutes(10))) std::exit(1);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const bool verified = relay->progress().events == static_cast<std::uint64_t>(events) &&
                        baseline_publisher->published() == static_cast<std::uint64_t>(events);
  std::cout << fmt::format(
      R"({{"figure":"relay","bus":"{}","events":{},"page_size":{},"seconds":{:.3f},"events_per_s":{:.0f},)"
      R"("baseline_events_per_s":{:.0f},"ratio_to_baseline":{:.2f},{}"verified":{}}})"
      "\n",
      url.scheme, events, page_size, seconds, events / seconds, events / raw_seconds,
      raw_seconds / seconds, raw_async, verified);
}

void end_to_end_figure(const std::string& server) {
  constexpr int kEvents = 2000;
  auto store = es::make_memory_store();
  auto inbox = es::make_memory_store();
  const es::BusUrl url = fresh(server, "e2e");
  auto publisher = publisher_for(url);
  auto receiver = receiver_for(url);
  auto checkpoints = es::make_memory_checkpoint_store();
  std::mutex mutex;
  std::vector<double> latencies_us;
  auto consumer = es::Consumer::start(
      *receiver, *inbox,
      {.fetch_wait = std::chrono::milliseconds(100),
       .on_stored = [&](std::span<const es::RecordedEvent> events) {
         const es::Timestamp now = es::now();
         std::lock_guard lock(mutex);
         for (const auto& e : events) {
           latencies_us.push_back(static_cast<double>((now - e.recorded_at).count()));
         }
       }});
  auto relay =
      es::Relay::start(*store, *publisher, {.name = "bench", .checkpoints = checkpoints.get()});
  if (!consumer || !relay) std::exit(1);
  for (int i = 0; i < kEvents; ++i) {
    const std::vector<es::EventData> one{{.type = "bench.ItemAdded", .data = payload(i)}};
    if (!store->append("item-" + std::to_string(i % 100), es::ExpectedVersion::any(), one)) {
      std::exit(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const bool verified = consumer->wait_for_stored(kEvents, std::chrono::minutes(2));
  std::lock_guard lock(mutex);
  std::sort(latencies_us.begin(), latencies_us.end());
  auto at = [&](double q) {
    return latencies_us.empty() ? 0.0
                                : latencies_us[static_cast<std::size_t>(
                                      q * static_cast<double>(latencies_us.size() - 1))];
  };
  std::cout << fmt::format(
      R"({{"figure":"end_to_end","bus":"{}","events":{},"p50_ms":{:.2f},"p99_ms":{:.2f},)"
      R"("verified":{},"status":"{}"}})"
      "\n",
      url.scheme, kEvents, at(0.5) / 1000, at(0.99) / 1000,
      verified && latencies_us.size() == kEvents, consumer->status().to_string());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: es_bus_bench redis://HOST:PORT|nats://HOST:PORT [EVENTS [PAGE]]\n";
    return 2;
  }
  const std::string server = argv[1];
  const int events = argc > 2 ? std::atoi(argv[2]) : 100'000;
  const std::uint64_t page_size =
      argc > 3 ? std::strtoull(argv[3], nullptr, 10) : es::RelayOptions{}.page_size;
  if (events <= 0 || page_size == 0) {
    std::cerr << "es_bus_bench: EVENTS and PAGE must be positive\n";
    return 2;
  }
  relay_figure(server, events, page_size);
  end_to_end_figure(server);
  return 0;
}
