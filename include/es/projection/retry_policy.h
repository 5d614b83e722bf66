// RetryPolicy: how often a subscription with a dead-letter store calls a failing handler again
// before it parks the event (es/projection/dead_letter_store.h), and how long it waits between
// calls: initial_backoff, doubled after each failure, capped at max_backoff. A stop request cuts
// a wait short.
//
// Thread safety: a plain value.
//
//   es::SubscriptionOptions options{.name = "mailer", .checkpoints = cps.get()};
//   options.dead_letters = dlq.get();
//   options.retry = {.max_attempts = 5, .initial_backoff = std::chrono::milliseconds(50)};
#pragma once

#include <chrono>
#include <cstdint>

namespace es {

struct RetryPolicy {
  // Handler calls per event before it is parked, ≥ 1 (1: park at the first failure). Default 3.
  std::uint32_t max_attempts = 3;
  // Wait before the second call. Default 100 ms.
  std::chrono::milliseconds initial_backoff{100};
  // Longest wait between two calls. Default 5 s.
  std::chrono::milliseconds max_backoff{5000};
};

}  // namespace es
