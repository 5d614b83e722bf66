// Subscription: delivers the global feed to a handler — first the events already stored
// (catch-up), then new ones as they are appended (live) — strictly one at a time, in position
// order, on one thread of its own (DESIGN §8). Live is simply "keep reading after the last
// delivered position", woken by EventStore::wait_for_append, so the hand-off from catch-up to
// live has no gap and no duplicate.
//
// With a name and a CheckpointStore it resumes from the saved checkpoint and saves it after each
// delivered batch (compare-and-set: a second runner under the same name stops with kConflict).
// Delivery is at-least-once: after a crash, the events since the last save come again. Events a
// filter drops still advance the checkpoint. A handler error stops the subscription; the error
// is kept in status() and nothing after the failing event is delivered — unless it has a
// dead-letter store: then the event is retried as `retry` says and parked, the later events of
// its stream are parked behind it, the other streams go on, and letters marked for redelivery
// are handed to the handler before the next page (es/projection/dead_letter_store.h).
//
// Thread safety: the handler and callbacks run on the subscription's thread, one at a time; the
// methods of Subscription may be called from any thread. The store (and checkpoint store) must
// outlive the subscription. Destroying the handle stops it and joins its thread.
//
//   auto sub = es::Subscription::start(*store, {.name = "mailer", .checkpoints = cps.get()},
//                                      [](const es::RecordedEvent& e) { return send(e); });
//   if (!sub) return sub.error();        // later: sub->progress().head, sub->status()
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "es/core/position.h"
#include "es/core/result.h"
#include "es/projection/checkpoint_store.h"
#include "es/projection/consumer_group.h"
#include "es/projection/dead_letter_store.h"
#include "es/projection/retry_policy.h"
#include "es/store/event_store.h"

namespace es {

// How far a subscription has got.
struct SubscriptionProgress {
  Position delivered;        // every event up to here was handled (or dropped by the filter)
  Position head;             // the store's head when last looked at
  bool caught_up = false;    // the last read reached the head
  std::uint64_t events = 0;  // events handled since start (filtered ones not counted)
};

// Events read in one page, and the position after them (past the events a filter dropped).
struct Batch {
  std::span<const RecordedEvent> events;
  Position next;
};

using EventHandler = std::function<Status(const RecordedEvent&)>;
using BatchHandler = std::function<Status(const Batch&)>;

struct SubscriptionOptions {
  // Start after this position when there is no saved checkpoint. Default: the beginning.
  Position from = Position::start();
  // Checkpoint name; empty (default) keeps no checkpoint. Needs `checkpoints`.
  std::string name;
  // Where the checkpoint lives; unused without a name. Default none.
  CheckpointStore* checkpoints = nullptr;
  // Only matching events reach the handler; the others still advance the checkpoint.
  EventFilter filter;
  // As one member of a consumer group, only the events of this member's streams reach the
  // handler (the others still advance the checkpoint), and the checkpoint is named
  // group->checkpoint_name(name). Default none: every stream.
  std::optional<ConsumerGroup> group;
  // Where events the handler keeps failing on are parked, under the checkpoint name (needs a
  // name; not with start_batched). Default none: a handler error stops the subscription.
  DeadLetterStore* dead_letters = nullptr;
  // How often and how patiently a failing event is retried before it is parked; only with
  // dead_letters. Default: see RetryPolicy.
  RetryPolicy retry;
  // Events per read, and so at most per batch and per checkpoint save. Default 1000.
  std::uint64_t page_size = 1000;
  // Stop (with an ok status) once the feed's head is reached, instead of going live. Default
  // false; rebuilds and one-off catch-ups set it.
  bool stop_at_head = false;
  // Called each time a read reaches the head after having been behind (or at the first read).
  std::function<void(const SubscriptionProgress&)> on_caught_up;
  // Called when, having been caught up, a read finds a full page still ahead: the handler no
  // longer keeps up with appends.
  std::function<void(const SubscriptionProgress&)> on_fell_behind;
  // Called after each delivered batch; for progress reporting. Default none.
  std::function<void(const SubscriptionProgress&)> on_progress;
};

class Subscription;
namespace detail {
class DeliverySink;
// For the exactly-once runner: a subscription delivering through its own transactional sink,
// parking under the name `subscription`.
Result<Subscription> start_with_sink(EventStore& store, SubscriptionOptions options,
                                     std::string subscription, std::unique_ptr<DeliverySink> sink);
}  // namespace detail

class Subscription {
 public:
  // Starts delivering each event to `handler`. Fails only on bad options or when the checkpoint
  // cannot be loaded; later errors stop the subscription and show in status().
  static Result<Subscription> start(EventStore& store, SubscriptionOptions options,
                                    EventHandler handler);
  // As start(), delivering a page of events at a time (with the checkpoint saved after the
  // handler returned ok for the whole batch); for handlers that commit a batch at once.
  static Result<Subscription> start_batched(EventStore& store, SubscriptionOptions options,
                                            BatchHandler handler);

  Subscription(Subscription&&) noexcept;
  Subscription& operator=(Subscription&&) noexcept;
  ~Subscription();  // stops and joins

  // Asks the subscription to stop after the event in hand, waits for it, and returns status().
  Status stop();
  // Asks it to stop without waiting (to stop several at once, then stop() each).
  void request_stop();
  // Waits until everything up to `position` is delivered (true), the subscription stopped or
  // `timeout` passed (false). Lets a writer read its own writes from a read model.
  bool wait_for(Position position, std::chrono::milliseconds timeout);
  // Waits until the subscription stopped on its own (handler error, stop_at_head); false on
  // timeout.
  bool wait_stopped(std::chrono::milliseconds timeout);

  [[nodiscard]] bool running() const;
  // Ok while running and after a clean stop; otherwise the error that stopped it.
  [[nodiscard]] Status status() const;
  [[nodiscard]] SubscriptionProgress progress() const;

  class Impl;

 private:
  friend Result<Subscription> detail::start_with_sink(EventStore&, SubscriptionOptions, std::string,
                                                      std::unique_ptr<detail::DeliverySink>);
  explicit Subscription(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace es
