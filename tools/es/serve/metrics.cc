#include "metrics.h"

#include <fmt/format.h>

namespace es::serve {

void Metrics::append_done(std::chrono::microseconds latency, std::uint64_t events) {
  appends_.fetch_add(1, std::memory_order_relaxed);
  appended_events_.fetch_add(events, std::memory_order_relaxed);
  const double seconds = static_cast<double>(latency.count()) / 1e6;
  std::size_t bucket = 0;
  while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
  latency_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(static_cast<std::uint64_t>(latency.count()), std::memory_order_relaxed);
}

bool Metrics::subscriber_joined(std::int64_t max) {
  std::int64_t open = subscribers_.load(std::memory_order_relaxed);
  do {
    if (open >= max) return false;
  } while (!subscribers_.compare_exchange_weak(open, open + 1, std::memory_order_relaxed));
  return true;
}

void Metrics::http_response(int status) {
  if (status < kMinStatus || status > kMaxStatus) return;
  statuses_[static_cast<std::size_t>(status - kMinStatus)].fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::render() const {
  auto load = [](const auto& counter) { return counter.load(std::memory_order_relaxed); };
  std::string out;
  auto counter = [&](std::string_view name, std::string_view help, std::uint64_t value) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, value);
  };
  counter("es_appends_total", "Append requests that committed (batches count once).",
          load(appends_));
  counter("es_appended_events_total", "Events written by those appends.", load(appended_events_));
  counter("es_append_conflicts_total", "Appends refused for a wrong expected version.",
          load(conflicts_));
  counter("es_events_read_total", "Events returned by reads and subscriptions.",
          load(events_read_));
  counter("es_rate_limited_total", "Requests refused with 429 by --rate-limit.",
          load(rate_limited_));
  out += fmt::format(
      "# HELP es_subscribers Open Server-Sent Events subscriptions.\n"
      "# TYPE es_subscribers gauge\nes_subscribers {}\n",
      load(subscribers_));

  out +=
      "# HELP es_append_duration_seconds Time from a parsed append request to its commit.\n"
      "# TYPE es_append_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += load(latency_buckets_[i]);
    out += fmt::format("es_append_duration_seconds_bucket{{le=\"{}\"}} {}\n", kLatencyBuckets[i],
                       cumulative);
  }
  cumulative += load(latency_buckets_.back());
  out += fmt::format("es_append_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("es_append_duration_seconds_sum {}\n",
                     static_cast<double>(load(latency_sum_us_)) / 1e6);
  out += fmt::format("es_append_duration_seconds_count {}\n", cumulative);

  out +=
      "# HELP es_http_requests_total HTTP responses by status code.\n"
      "# TYPE es_http_requests_total counter\n";
  for (std::size_t i = 0; i < statuses_.size(); ++i) {
    if (const std::uint64_t n = load(statuses_[i]); n != 0) {
      out += fmt::format("es_http_requests_total{{status=\"{}\"}} {}\n",
                         static_cast<int>(i) + kMinStatus, n);
    }
  }
  return out;
}

}  // namespace es::serve
