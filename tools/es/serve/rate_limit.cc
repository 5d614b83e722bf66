#include "rate_limit.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace es::serve {

Result<double> parse_rate(std::string_view text) {
  std::string_view number = text;
  double seconds = 1;
  if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    number = text.substr(0, slash);
    const std::string_view unit = text.substr(slash + 1);
    if (unit == "m" || unit == "min") {
      seconds = 60;
    } else if (unit != "s") {
      number = {};
    }
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
      !std::isfinite(value) || value <= 0) {
    return Status::invalid_argument(
        fmt::format("rate '{}' must be N/s or N/min with N > 0 (like 100/s)", text));
  }
  return value / seconds;
}

RateLimiter::RateLimiter(RateLimit limit)
    : per_second_(limit.per_second),
      burst_(limit.burst > 0 ? limit.burst : std::max(1.0, limit.per_second)) {}

std::optional<RateLimiter::Clock::duration> RateLimiter::take(std::string_view client,
                                                              Clock::time_point now) {
  const std::lock_guard lock(mutex_);
  if (buckets_.size() >= kPruneAt) prune(now);
  auto [it, added] = buckets_.try_emplace(std::string(client), Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!added) {
    const std::chrono::duration<double> elapsed = now - bucket.updated;
    bucket.tokens = std::min(burst_, bucket.tokens + std::max(0.0, elapsed.count()) * per_second_);
    bucket.updated = std::max(bucket.updated, now);
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::nullopt;
  }
  const std::chrono::duration<double> wait((1 - bucket.tokens) / per_second_);
  return std::chrono::ceil<Clock::duration>(wait);
}

void RateLimiter::prune(Clock::time_point now) {
  std::erase_if(buckets_, [&](const auto& entry) {
    const std::chrono::duration<double> elapsed = now - entry.second.updated;
    return entry.second.tokens + elapsed.count() * per_second_ >= burst_;
  });
}

}  // namespace es::serve
