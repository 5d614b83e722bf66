// Internal to the workload runner: what the workloads of one run share (the store, the raw-engine
// baseline, figures measured earlier in the run) and the helpers they all use — the event payload
// of BENCHMARKS.md, a stopwatch, latency percentiles and the JSON report line.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "es/core/status.h"
#include "es/store/event.h"
#include "es/store/event_store.h"
#include "es/store/snapshot_store.h"
#include "item_cart.h"

namespace es::bench {

class Baseline;

// `events` done in `seconds`.
struct Figure {
  std::uint64_t events = 0;
  double seconds = 0;
  [[nodiscard]] double rate() const {
    return seconds > 0 ? static_cast<double>(events) / seconds : 0.0;
  }
};

struct RunContext {
  EventStore& store;
  SnapshotStore& snapshots;  // the store's own (same file, or in memory)
  std::string backend;       // as StoreStats names it: "sqlite", "memory"
  std::string path;          // the store's SQLite file; empty for other backends
  std::string url;           // what another process opens for the same store; empty for memory
  Baseline* baseline;        // the raw engine; null when the backend has none or it was turned off
  double scale;
  std::ostream& out;
  std::uint64_t written = 0;           // events in the store, which started empty
  std::uint64_t baseline_written = 0;  // rows in the baseline file, which started empty
  // W1's figure, the yardstick of W5 (BENCHMARKS.md: "4 writers >= 2.5x our W1").
  std::optional<Figure> w1{};
  bool all_verified = true;
};

// `count` times the run's scale, rounded, and at least `minimum`.
std::uint64_t scaled(const RunContext& ctx, std::uint64_t count, std::uint64_t minimum = 1);

// Event `seq` of `stream`: {"stream","seq","sku","qty","price","note"}, padded by the note to
// 200 bytes of JSON for a six-character stream name (as the Emmett peer does).
ItemAdded item_added(std::string_view stream, std::uint64_t seq);
// Its JSON encoding.
std::string item_data(std::string_view stream, std::uint64_t seq);
// An ItemAdded event carrying item_data(stream, seq) and "{}" metadata.
EventData item_event(std::string_view stream, std::uint64_t seq);
constexpr std::int64_t item_qty(std::uint64_t seq) {
  return 1 + static_cast<std::int64_t>(seq % 5);
}

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  [[nodiscard]] double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  [[nodiscard]] double micros() const { return seconds() * 1e6; }

 private:
  std::chrono::steady_clock::time_point start_;
};

// The q-quantile (0..1) of `values`, which it sorts; 0 when empty.
double percentile(std::vector<double>& values, double q);

// One JSON line: workload, backend, events, seconds, events_per_s, baseline_events_per_s,
// ratio_to_baseline, verified, then the extra fields in insertion order.
struct Report {
  std::string workload;
  Figure figure;
  std::optional<Figure> baseline{};
  bool verified = false;
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
};
void print(RunContext& ctx, const Report& report);

// Rounds for the report: `digits` decimals.
double rounded(double value, int digits);
// a / b rounded to 3 decimals, or null when b is 0.
nlohmann::ordered_json ratio(double a, double b);

}  // namespace es::bench
