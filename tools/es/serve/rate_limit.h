// The request rate limit of `es serve` (--rate-limit, docs/http.md): one token bucket per client,
// a client being a bearer token (by its line in the token file) or, on a server without tokens,
// a remote address. A bucket holds at most `burst` requests and refills at `per_second`; a
// request takes one, and when the bucket is empty it is refused with the time until one is back.
//
// Thread safety: take() may be called from any thread (one mutex; each call is a map look-up and
// a few arithmetic operations).
//
//   es::serve::RateLimiter limiter({.per_second = 100, .burst = 20});
//   if (auto wait = limiter.take("127.0.0.1")) return refuse(*wait);  // Retry-After
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "es/core/result.h"

namespace es::serve {

struct RateLimit {
  double per_second = 0;  // 0: no limit
  double burst = 0;       // the bucket's size; 0: one second's worth (at least 1)
};

// "N/s", "N/m" or "N/min" (or a bare N: per second) with N > 0, as --rate-limit takes it.
// kInvalidArgument naming the text otherwise.
Result<double> parse_rate(std::string_view text);

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimit limit);

  [[nodiscard]] bool enabled() const { return per_second_ > 0; }
  // Takes one request from `client`'s bucket: nullopt when it may go ahead, else how long until
  // the bucket holds one again.
  std::optional<Clock::duration> take(std::string_view client,
                                      Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  // Buckets this many or more: full ones are dropped (they are the same as absent ones).
  static constexpr std::size_t kPruneAt = 4096;

  void prune(Clock::time_point now);

  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace es::serve
