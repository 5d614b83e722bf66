// W2e: the cost of encryption on W2 (docs/benchmarks.md "Encryption"). W2's 200,000 events in
// batches of 100 to 2,000 new streams, written in the same run, chunk by chunk in turn, to a
// plain store and, through es::encrypt_store, to encrypted ones whose policy encrypts two of the
// six data members ("price", "note") with a per-stream data key (2,000 subjects, so 2,000 keys
// created): with a SQLite key store (the figure) and, on SQLite, with an in-memory one (the
// crypto alone, an extra field). Every store is fresh and of the run's backend (files beside the
// run's SQLite file, or memory); the ratio is encrypted / plain.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "es/store/encryption.h"
#include "es/store/memory_store.h"
#include "es/store/sqlite_store.h"
#include "families.h"

namespace es::bench {
namespace {

constexpr std::uint64_t kBatch = 100;
constexpr std::size_t kChunks = 20;

// The workload's files beside the run's SQLite file, removed when it ends.
struct Files {
  std::vector<std::string> paths;
  ~Files() {
    std::error_code ec;
    for (const std::string& path : paths) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
    }
  }
};

Result<std::unique_ptr<EventStore>> fresh_store(const RunContext& ctx, Files& files,
                                                std::string_view name) {
  if (ctx.backend == "memory") return make_memory_store();
  files.paths.push_back(fmt::format("{}.{}", ctx.path, name));
  return open_sqlite(files.paths.back());
}

// Appends batches [from, to) to `store`; adds the events written to `ok`.
double append_chunk(EventStore& store, const std::vector<std::string>& names,
                    const std::vector<std::vector<EventData>>& batches, std::size_t from,
                    std::size_t to, std::uint64_t& ok, std::string& first_error) {
  const Stopwatch watch;
  for (std::size_t s = from; s < to; ++s) {
    auto result = store.append(names[s], ExpectedVersion::no_stream(), batches[s]);
    if (result) {
      ok += kBatch;
    } else if (first_error.empty()) {
      first_error = result.error().to_string();
    }
  }
  return watch.seconds();
}

// Every encrypted event reads back, decrypted, as the payload it was appended with, and is
// stored without the encrypted members.
bool reads_back(EventStore& encrypted, EventStore& at_rest, const std::vector<std::string>& names,
                const std::vector<std::vector<EventData>>& batches) {
  for (std::size_t s = 0; s < names.size(); ++s) {
    auto read = encrypted.read_stream(names[s]);
    if (!read || read->events.size() != kBatch) return false;
    for (std::size_t j = 0; j < kBatch; ++j) {
      if (nlohmann::json::parse(read->events[j].data) !=
          nlohmann::json::parse(batches[s][j].data)) {
        return false;
      }
    }
    auto stored = at_rest.read_stream(names[s], {.max_count = 1});
    if (!stored || stored->events.empty() ||
        nlohmann::json::parse(stored->events[0].data).contains("note")) {
      return false;
    }
  }
  return true;
}

// One store the workload writes to, and what it measured.
struct Lane {
  std::unique_ptr<EventStore> inner;
  std::unique_ptr<KeyStore> keys;      // null for the plain lane
  std::unique_ptr<EventStore> handle;  // the encrypting handle; null for the plain lane
  std::uint64_t ok = 0;
  double seconds = 0;
  EventStore& store() { return handle ? *handle : *inner; }
};

Status add_encrypted_lane(std::vector<Lane>& lanes, std::unique_ptr<EventStore> inner,
                          std::unique_ptr<KeyStore> keys) {
  auto handle =
      encrypt_store(*inner, *keys, {.types = {{"ItemAdded", {.fields = {"price", "note"}}}}});
  if (!handle) return handle.error();
  lanes.push_back(
      Lane{.inner = std::move(inner), .keys = std::move(keys), .handle = std::move(*handle)});
  return Status::ok();
}

}  // namespace

Status run_w2e(RunContext& ctx) {
  if (ctx.backend != "sqlite" && ctx.backend != "memory") {
    ctx.out << nlohmann::ordered_json{{"workload", "W2e"},
                                      {"backend", ctx.backend},
                                      {"skipped", "W2e runs on the sqlite and memory backends"}}
                   .dump()
            << std::endl;
    return Status::ok();
  }
  // Lanes: plain; encrypted with keys in a SQLite key store (durable: each new subject's key
  // costs a committed insert); on SQLite also encrypted with keys in memory (the crypto alone).
  Files files;
  std::vector<Lane> lanes;
  auto plain = fresh_store(ctx, files, "w2e-plain.db");
  if (!plain) return plain.error();
  lanes.push_back(Lane{.inner = std::move(*plain)});
  auto inner = fresh_store(ctx, files, "w2e-encrypted.db");
  if (!inner) return inner.error();
  if (ctx.backend == "memory") {
    ES_RETURN_IF_ERROR(
        add_encrypted_lane(lanes, std::move(*inner), open_memory_key_store(MasterKey::generate())));
  } else {
    files.paths.push_back(ctx.path + ".w2e-keys.db");
    auto keys = open_sqlite_key_store(files.paths.back(), MasterKey::generate());
    if (!keys) return keys.error();
    ES_RETURN_IF_ERROR(add_encrypted_lane(lanes, std::move(*inner), std::move(*keys)));
    auto memory_keyed = fresh_store(ctx, files, "w2e-memory-keys.db");
    if (!memory_keyed) return memory_keyed.error();
    ES_RETURN_IF_ERROR(add_encrypted_lane(lanes, std::move(*memory_keyed),
                                          open_memory_key_store(MasterKey::generate())));
  }

  const std::uint64_t streams = scaled(ctx, 2'000);
  std::vector<std::string> names;
  std::vector<std::vector<EventData>> batches(streams);
  for (std::uint64_t s = 0; s < streams; ++s) {
    names.push_back(fmt::format("w2e-{}", s));
    for (std::uint64_t j = 0; j < kBatch; ++j) batches[s].push_back(item_event(names[s], j));
  }
  std::string first_error;
  for (std::size_t k = 0; k < kChunks; ++k) {
    const std::size_t from = streams * k / kChunks;
    const std::size_t to = streams * (k + 1) / kChunks;
    for (Lane& lane : lanes) {
      lane.seconds += append_chunk(lane.store(), names, batches, from, to, lane.ok, first_error);
    }
  }
  bool verified = true;
  for (Lane& lane : lanes) {
    verified = verified && lane.ok == streams * kBatch &&
               (!lane.handle || reads_back(*lane.handle, *lane.inner, names, batches));
  }
  const Figure plain_figure{lanes[0].ok, lanes[0].seconds};
  const Figure encrypted{lanes[1].ok, lanes[1].seconds};
  Report report{
      .workload = "W2e", .figure = encrypted, .baseline = plain_figure, .verified = verified};
  report.extra["baseline"] = "the same W2 appends to a plain store of the same backend";
  report.extra["encrypted_fields"] = {"price", "note"};
  report.extra["subjects"] = streams;
  report.extra["key_store"] = ctx.backend == "memory" ? "memory" : "sqlite";
  if (lanes.size() == 3) {
    const Figure memory_keys{lanes[2].ok, lanes[2].seconds};
    report.extra["memory_key_store_events_per_s"] = std::llround(memory_keys.rate());
    report.extra["memory_key_store_ratio"] = ratio(memory_keys.rate(), plain_figure.rate());
  }
  report.extra["interleaved_chunks"] = kChunks;
  if (!first_error.empty()) report.extra["first_error"] = first_error;
  if (ctx.backend == "sqlite") report.extra["synchronous"] = "FULL";
  print(ctx, report);
  return Status::ok();
}

}  // namespace es::bench
