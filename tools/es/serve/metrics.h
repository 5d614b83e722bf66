// The counters of `es serve`, rendered in the Prometheus text format at GET /metrics
// (docs/http.md lists every name). The store has no hooks: the server counts what passes through
// it, and the lag and dead-letter gauges are read from the checkpoint and dead-letter stores at
// each scrape (Server adds them).
//
// Thread safety: every method may be called concurrently; counters are relaxed atomics.
//
//   metrics.append_done(std::chrono::microseconds(420), 1);
//   metrics.http_response(200);
//   std::string text = metrics.render();
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace es::serve {

class Metrics {
 public:
  // Upper bounds of the append latency histogram, in seconds (+Inf follows).
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};

  // One append request that committed (or was an idempotent repeat) with `events` events.
  void append_done(std::chrono::microseconds latency, std::uint64_t events);
  void append_conflict() { conflicts_.fetch_add(1, std::memory_order_relaxed); }
  void events_read(std::uint64_t count) {
    events_read_.fetch_add(count, std::memory_order_relaxed);
  }
  void http_response(int status);
  void rate_limited() { rate_limited_.fetch_add(1, std::memory_order_relaxed); }
  // Counts a new subscription unless `max` are open already (then false, nothing counted).
  bool subscriber_joined(std::int64_t max);
  void subscriber_left() { subscribers_.fetch_sub(1, std::memory_order_relaxed); }

  // The counters above as Prometheus text, each with its # HELP and # TYPE lines.
  [[nodiscard]] std::string render() const;

 private:
  static constexpr int kMinStatus = 100;
  static constexpr int kMaxStatus = 599;

  std::atomic<std::uint64_t> appends_{0};
  std::atomic<std::uint64_t> appended_events_{0};
  std::atomic<std::uint64_t> conflicts_{0};
  std::atomic<std::uint64_t> events_read_{0};
  std::atomic<std::uint64_t> rate_limited_{0};
  std::atomic<std::int64_t> subscribers_{0};
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size() + 1> latency_buckets_{};
  std::atomic<std::uint64_t> latency_sum_us_{0};
  std::array<std::atomic<std::uint64_t>, kMaxStatus - kMinStatus + 1> statuses_{};
};

}  // namespace es::serve
