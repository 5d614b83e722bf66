// The lag of named checkpoints and the dead letters, as `es projections`, `es dlq` and
// `es serve` (GET /api/projections, /api/dlq, /metrics) report them.
//
// Thread safety: a LagCounter is used by one thread at a time; the JSON functions are pure.
//
//   auto lag = es::cli::LagCounter::open(global, *store);
//   auto behind = lag->events_after(checkpoint.position);
//   Json line = es::cli::checkpoint_json(checkpoint, head, *behind);
#pragma once

#include <cstdint>
#include <memory>

#include "command.h"
#include "es/core/result.h"
#include "es/projection/checkpoint_store.h"
#include "es/projection/dead_letter_store.h"
#include "es/store/event_store.h"
#include "json_text.h"

namespace es::cli {

// Counts the events stored after a position. Positions are not dense (a rolled-back append
// leaves a gap), so they cannot be subtracted: on a SQLite file one indexed count, elsewhere a
// read of the feed.
class LagCounter {
 public:
  // For the store of --db, which `store` was opened from; `store` must outlive the counter.
  static Result<LagCounter> open(const GlobalOptions& global, EventStore& store);
  LagCounter(LagCounter&&) noexcept;
  LagCounter& operator=(LagCounter&&) noexcept;
  ~LagCounter();

  Result<std::int64_t> events_after(const Position& position);

 private:
  class SqliteCount;
  explicit LagCounter(EventStore& store);
  EventStore* store_;
  std::unique_ptr<SqliteCount> sqlite_;  // null: count by reading the feed
};

// name, position, updated_at, head, caught_up and events_behind.
Json checkpoint_json(const Checkpoint& checkpoint, const Position& head, std::int64_t behind);

// subscription, stream, version, position, event_id, type, error, attempts, redeliver, parked_at.
Json dead_letter_json(const DeadLetter& letter);

}  // namespace es::cli
