// Microbenchmarks of the hot paths under the workloads: id generation, the validation every
// append goes through, appends to the memory store and to SQLite without fsync, and the decoding
// of a read_all page. Durability is off in the SQLite figures, so they are labelled and never
// compared with a synchronous=FULL figure (BENCHMARKS.md).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "es/core/uuid.h"
#include "es/store/event_store.h"
#include "es/store/memory_store.h"
#include "es/store/sqlite_store.h"

namespace {

constexpr int kStreams = 1000;

// An ItemAdded event with ~200 bytes of JSON data, like the workloads'.
es::EventData item(int seq) {
  es::EventData e;
  e.type = "ItemAdded";
  e.data = R"({"stream":"mb-000","seq":)" + std::to_string(seq) +
           R"(,"sku":"SKU-1","qty":1,"price":19.99,"note":")" + std::string(110, 'x') + "\"}";
  return e;
}

std::vector<std::string> stream_names() {
  std::vector<std::string> names;
  for (int s = 0; s < kStreams; ++s) names.push_back("mb-" + std::to_string(s));
  return names;
}

// A SQLite file in the temp directory, removed (with its -wal and -shm) at the end of the scope.
class TempDb {
 public:
  explicit TempDb(const std::string& tag)
      : path_((std::filesystem::temp_directory_path() /
               ("es_micro_" + tag + "_" + std::to_string(::getpid()) + ".db"))
                  .string()) {
    remove();
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  ~TempDb() { remove(); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  void remove() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ec);
  }
  std::string path_;
};

std::unique_ptr<es::EventStore> open_sync_off(const std::string& path) {
  es::SqliteOptions options;
  options.synchronous = es::SqliteOptions::Synchronous::kOff;
  auto store = es::open_sqlite(path, options);
  return store ? std::move(*store) : nullptr;
}

// A store whose hooks do nothing: what is left of append() is its validation.
class ValidationOnly final : public es::EventStore {
 protected:
  es::Result<std::vector<es::AppendResult>> do_append(
      std::span<const es::AppendRequest> batch) override {
    return std::vector<es::AppendResult>(batch.size());
  }
  es::Result<StreamCursor> do_read_stream(std::string_view, const es::ReadStreamOptions&,
                                          const es::EventVisitor&) override {
    return StreamCursor{};
  }
  es::Result<AllCursor> do_read_all(const es::ReadAllOptions&, const es::EventVisitor&) override {
    return AllCursor{};
  }
  es::Result<es::StreamInfo> do_stream_info(std::string_view) override { return es::StreamInfo{}; }
  es::Result<es::Position> do_head_position() override { return es::Position::start(); }
  es::Result<std::vector<es::StreamInfo>> do_list_streams(const es::ListStreamsOptions&) override {
    return std::vector<es::StreamInfo>{};
  }
  es::Result<es::StoreStats> do_stats() override { return es::StoreStats{}; }
  es::Status do_delete_stream(std::string_view, es::ExpectedVersion, bool) override {
    return es::Status::ok();
  }
  es::Status do_set_retention(std::string_view, const es::Retention&) override {
    return es::Status::ok();
  }
};

void BM_UuidV7(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(es::Uuid::v7());
}
BENCHMARK(BM_UuidV7);

// state.range(0) events per append.
void BM_ValidateAppend(benchmark::State& state) {
  ValidationOnly store;
  const std::vector<es::EventData> events(static_cast<std::size_t>(state.range(0)), item(7));
  for (auto _ : state) {
    auto r = store.append("mb-001", es::ExpectedVersion::exact(3), events);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ValidateAppend)->Arg(1)->Arg(100);

void BM_MemoryAppend(benchmark::State& state) {
  auto store = es::make_memory_store();
  const auto names = stream_names();
  const es::EventData event = item(7);
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = store->append(names[i++ % names.size()], es::ExpectedVersion::any(), {&event, 1});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemoryAppend);

// The library's write path without the fsync: what group commit and SQLite cost in CPU.
void BM_SqliteAppendSyncOff(benchmark::State& state) {
  const TempDb db("append");
  auto store = open_sync_off(db.path());
  if (!store) {
    state.SkipWithError("cannot open the SQLite store");
    return;
  }
  const auto names = stream_names();
  const es::EventData event = item(7);
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = store->append(names[i++ % names.size()], es::ExpectedVersion::any(), {&event, 1});
    if (!r) state.SkipWithError(r.error().to_string().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("synchronous=OFF (not durable)");
}
BENCHMARK(BM_SqliteAppendSyncOff);

// One read_all page of 1,000 events, decoded into RecordedEvents, from a 20,000-event store.
void BM_SqliteReadAllPage(benchmark::State& state) {
  const TempDb db("read");
  auto store = open_sync_off(db.path());
  if (!store) {
    state.SkipWithError("cannot open the SQLite store");
    return;
  }
  constexpr int kEvents = 20'000;
  constexpr std::uint64_t kPage = 1'000;
  const std::vector<es::EventData> batch(100, item(7));
  for (int s = 0; s < kEvents / 100; ++s) {
    auto r = store->append("mb-" + std::to_string(s), es::ExpectedVersion::no_stream(), batch);
    if (!r) {
      state.SkipWithError(r.error().to_string().c_str());
      return;
    }
  }
  es::ReadAllOptions options;
  options.max_count = kPage;
  for (auto _ : state) {
    auto page = store->read_all(options);
    if (!page) {
      state.SkipWithError(page.error().to_string().c_str());
      break;
    }
    options.from = page->end ? es::Position::start() : page->next;
    benchmark::DoNotOptimize(page->events.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kPage));
  state.SetLabel("synchronous=OFF store; read path only");
}
BENCHMARK(BM_SqliteReadAllPage);

}  // namespace

BENCHMARK_MAIN();
