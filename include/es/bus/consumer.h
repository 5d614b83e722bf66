// Consumer: the receiving end of a relay (DESIGN §9). It reads the bus through a Receiver
// (es/bus/receiver.h) and writes each event into a local store, the inbox, under its original
// id, stream and version; then acknowledges it on the bus. The inbox de-duplicates: an event
// whose stream already holds its version there is a copy (the relay published it again, or the
// bus redelivered it after a crash before the acknowledgement) and is dropped, and the store's
// id index refuses a different event under a known id (kAlreadyExists stops the consumer). So
// the inbox holds every event exactly once, in order per stream.
//
// The inbox is an ordinary EventStore: the projections, checkpoints, consumer groups and dead
// letters of es/projection/ run on it unchanged — run_sqlite_projection on an inbox file gives a
// remote read model exactly-once effects. Events of a stream must reach the bus whole (a relay
// publishes every event): a missing version (kConflict naming the stream) stops the consumer.
// While the bus is away it fetches again after a backoff. Order across streams inside one
// fetched batch is not kept in the inbox; order within each stream is.
//
// Thread safety: runs on a thread of its own; its methods may be called from any thread. The
// receiver and the inbox must outlive it. Destroying it stops it.
//
//   auto consumer = es::Consumer::start(**receiver, *inbox, {});
//   auto balances = es::run_sqlite_projection(*inbox, "inbox.db", projection);
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "es/bus/receiver.h"
#include "es/core/result.h"
#include "es/store/event_store.h"

namespace es {

struct ConsumerProgress {
  std::uint64_t received = 0;    // messages fetched (copies included)
  std::uint64_t stored = 0;      // events written into the inbox
  std::uint64_t duplicates = 0;  // copies dropped
  std::uint64_t retries = 0;     // fetches or acknowledgements failed while the bus was away
  std::string last_error;        // the last such error, empty when none yet
};

struct ConsumerOptions {
  // Messages per fetch, and so at most per inbox append. Default 1000.
  std::size_t batch_size = 1000;
  // Longest wait of one fetch. Default 500 ms.
  std::chrono::milliseconds fetch_wait{500};
  // Wait before fetching again after kUnavailable, doubled up to max_backoff. Defaults 50 ms, 2 s.
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{2000};
  // Called after the new events of a fetch are in the inbox, with them as the bus carried them
  // (recorded_at is the source store's). Default none.
  std::function<void(std::span<const RecordedEvent>)> on_stored;
};

class Consumer {
 public:
  static Result<Consumer> start(Receiver& receiver, EventStore& inbox, ConsumerOptions options);

  Consumer(Consumer&&) noexcept;
  Consumer& operator=(Consumer&&) noexcept;
  ~Consumer();

  // Stops after the batch in hand and returns status().
  Status stop();
  // Waits until `stored` events in all are in the inbox (true), or it stopped or `timeout`
  // passed (false).
  bool wait_for_stored(std::uint64_t stored, std::chrono::milliseconds timeout);

  [[nodiscard]] bool running() const;
  // Ok while running and after stop(); otherwise the error that stopped it.
  [[nodiscard]] Status status() const;
  [[nodiscard]] ConsumerProgress progress() const;

  class Impl;

 private:
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace es
