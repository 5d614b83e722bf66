// Relay: the outbox relay (DESIGN §9). The event log is the outbox: a relay is a checkpointed
// subscription (es/projection/subscription.h) that publishes the global feed to a bus, a page at
// a time, in position order, and saves its checkpoint only after the bus acknowledged the whole
// page — at-least-once, never a dual write. When the bus is away (kUnavailable) it publishes the
// same page again after a backoff (initial_backoff, doubled, capped at max_backoff) until the
// server is back; any other publish error stops it. After a crash it resumes from its checkpoint
// and publishes the events since then again; consumers drop the copies by event id.
//
// Thread safety: the relay runs on a thread of its own; its methods may be called from any
// thread. The store, checkpoint store and publisher must outlive it. Destroying it stops it.
//
//   auto relay = es::Relay::start(*store, **publisher, {.name = "orders-to-redis",
//                                                        .checkpoints = checkpoints.get()});
//   relay->progress().lag;     // how far behind the newest published event is
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "es/bus/publisher.h"
#include "es/core/position.h"
#include "es/core/result.h"
#include "es/projection/checkpoint_store.h"
#include "es/store/event_store.h"

namespace es {

struct RelayProgress {
  Position published;         // every event up to here is acknowledged by the bus
  Position head;              // the store's head when last looked at
  bool caught_up = false;     // the last read reached the head
  std::uint64_t events = 0;   // events published since start (copies after a retry included)
  std::uint64_t retries = 0;  // pages published again after the bus was away
  // Lag: how long ago the oldest event not yet acknowledged by the bus was recorded (while
  // behind: the newest published one); zero once caught up.
  std::chrono::microseconds lag{0};
  std::string last_error;  // the last publish error, empty when none yet
};

struct RelayOptions {
  // Checkpoint name, 1–256 bytes; required, with `checkpoints`.
  std::string name;
  CheckpointStore* checkpoints = nullptr;
  // Events per page, and so per publish and checkpoint save. Default 1000.
  std::uint64_t page_size = 1000;
  // Wait before publishing a page again after kUnavailable, doubled each time up to max_backoff.
  // Defaults 50 ms and 2 s.
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{2000};
  // Stop (ok) once everything up to the head is published instead of going live. Default false.
  bool stop_at_head = false;
  // Called after each published page and after each failed attempt. Default none.
  std::function<void(const RelayProgress&)> on_progress;
};

class Relay {
 public:
  // Fails on bad options or when the checkpoint cannot be loaded; later errors stop the relay
  // and show in status().
  static Result<Relay> start(EventStore& store, Publisher& publisher, const RelayOptions& options);

  Relay(Relay&&) noexcept;
  Relay& operator=(Relay&&) noexcept;
  ~Relay();

  // Stops after the page in hand (a backoff wait is cut short) and returns status().
  Status stop();
  // Waits until everything up to `position` is published (true), or it stopped or `timeout`
  // passed (false).
  bool wait_for(Position position, std::chrono::milliseconds timeout);
  // Waits until the relay stopped on its own (an error, stop_at_head); false on timeout.
  bool wait_stopped(std::chrono::milliseconds timeout);

  [[nodiscard]] bool running() const;
  // Ok while running and after a requested or stop_at_head stop; otherwise the error.
  [[nodiscard]] Status status() const;
  [[nodiscard]] RelayProgress progress() const;

  class Impl;

 private:
  explicit Relay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace es
