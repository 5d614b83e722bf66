// Publisher: the write side of a message bus, as the relay (es/bus/relay.h) uses it. publish()
// hands the bus a batch of events in order and returns only once the bus acknowledged every one
// of them; the adapters (es/bus/redis.h, es/bus/nats.h, es/bus/memory_bus.h) implement the hooks.
//
// At-least-once: after an error some events of the batch may be on the bus already, and the
// relay publishes the whole batch again — the event id is the message id, so consumers (and
// JetStream's duplicate window) drop the copies. kUnavailable means "the server is away: retry
// later" (the adapter reconnects on the next call); any other error is not worth retrying.
//
// Thread safety: one thread at a time (the relay's).
//
//   auto publisher = es::make_redis_publisher(*es::parse_bus_url("redis://127.0.0.1:6379/orders"));
//   es::Status s = (*publisher)->publish(page.events);     // acknowledged, in order
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "es/core/status.h"
#include "es/store/event.h"

namespace es {

class Publisher {
 public:
  Publisher() = default;
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;
  virtual ~Publisher() = default;

  // Publishes `events` in their order and waits for the bus's acknowledgement of all of them.
  // An empty batch is ok and sends nothing.
  Status publish(std::span<const RecordedEvent> events);
  // Where it publishes, for messages and logs ("redis://127.0.0.1:6379/orders").
  [[nodiscard]] std::string destination() const { return do_destination(); }
  // Events acknowledged by the bus since construction.
  [[nodiscard]] std::uint64_t published() const { return published_; }

 protected:
  // Hooks; `events` is not empty. Return kUnavailable when the connection failed (and drop it,
  // so the next call reconnects).
  virtual Status do_publish(std::span<const RecordedEvent> events) = 0;
  [[nodiscard]] virtual std::string do_destination() const = 0;

 private:
  std::uint64_t published_ = 0;
};

}  // namespace es
