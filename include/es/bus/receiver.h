// Receiver: the read side of a message bus, as a consumer (es/bus/consumer.h) uses it — a Redis
// consumer group member or a JetStream durable consumer, named so that the bus remembers what it
// acknowledged. fetch() returns the next messages not yet acknowledged, as the events they carry
// (es/bus/envelope.h); ack() acknowledges everything fetched so far. Messages fetched and never
// acknowledged (the process died) are fetched again by the next receiver of the same name.
//
// kUnavailable means "the server is away: retry later" (the next call reconnects). A message
// whose envelope cannot be read is kInvalidArgument naming the message.
//
// Thread safety: one thread at a time (the consumer's).
//
//   auto receiver = es::make_redis_receiver(*es::parse_bus_url(url), "billing");
//   auto events = (*receiver)->fetch(1000, std::chrono::milliseconds(500));
//   ... store them ...  (*receiver)->ack();
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "es/core/result.h"
#include "es/store/event.h"

namespace es {

class Receiver {
 public:
  Receiver() = default;
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;
  virtual ~Receiver() = default;

  // Up to `max_count` (≥ 1) unacknowledged messages, in the bus's order, waiting at most `wait`
  // for the first; empty when none came.
  Result<std::vector<RecordedEvent>> fetch(std::size_t max_count, std::chrono::milliseconds wait);
  // Acknowledges every message fetch() returned; ok when there is none.
  Status ack();
  // Where it reads, for messages and logs ("redis://127.0.0.1:6379/orders").
  [[nodiscard]] std::string source() const { return do_source(); }

 protected:
  // Hooks; max_count ≥ 1.
  virtual Result<std::vector<RecordedEvent>> do_fetch(std::size_t max_count,
                                                      std::chrono::milliseconds wait) = 0;
  virtual Status do_ack() = 0;
  [[nodiscard]] virtual std::string do_source() const = 0;
};

}  // namespace es
