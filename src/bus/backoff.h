// Backoff: the pause between two attempts at a bus that went away — initial, doubled after each
// failure, capped — cut short by a stop request. Shared by the relay and the consumer.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace es::detail {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
      : initial_(initial), max_(max), next_(initial) {}

  // Waits the current pause (false when stop() came first) and doubles the next.
  bool pause() {
    std::unique_lock lock(mutex_);
    const bool stopped = woken_.wait_for(lock, next_, [&] { return stopped_; });
    next_ = std::min(next_ * 2, max_);
    return !stopped;
  }
  // After a success: the next pause is the initial one again.
  void reset() {
    std::lock_guard lock(mutex_);
    next_ = initial_;
  }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    woken_.notify_all();
  }
  [[nodiscard]] bool stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }

 private:
  const std::chrono::milliseconds initial_, max_;
  mutable std::mutex mutex_;
  std::condition_variable woken_;
  std::chrono::milliseconds next_;
  bool stopped_ = false;
};

}  // namespace es::detail
