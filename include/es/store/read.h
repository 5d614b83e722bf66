// Options and results of reads: one stream by version (read_stream) and the global feed by
// position (read_all), with filters and time bounds (DESIGN §6).
//
// read_stream's from_version is inclusive; read_all starts strictly after `from`, so a saved
// checkpoint is passed back as it is. A filtered read_all still advances `next` past events the
// filter dropped.
//
// Thread safety: plain value types.
//
//   auto page = store.read_all({.from = checkpoint, .max_count = 500,
//                               .filter = {.categories = {"account"}}});
//   for (const es::RecordedEvent& e : page->events) handle(e);
//   checkpoint = page->next;
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "es/core/position.h"
#include "es/core/time.h"
#include "es/store/event.h"

namespace es {

inline constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

enum class Direction : std::uint8_t { kForward, kBackward };

// What a stream read fills in each RecordedEvent. kPayload reads only stream, version, type,
// schema_version and data — what folding an aggregate needs — and leaves the other members empty;
// on SQLite it reads about twice as fast. A backend may fill more.
enum class EventFields : std::uint8_t { kAll, kPayload };

struct ReadStreamOptions {
  // First version to return (inclusive). Unset: the first (forward) or the last (backward) event.
  std::optional<std::int64_t> from_version;
  Direction direction = Direction::kForward;
  // At most this many events. For visit_stream(): the page size of each internal read.
  std::uint64_t max_count = kUnlimited;
  // Time travel: only events recorded at or before this time — the stream as it was then.
  std::optional<Timestamp> as_of;
  EventFields fields = EventFields::kAll;
};

// All set fields must match; within a list, any entry may match.
struct EventFilter {
  std::vector<std::string> types;
  std::vector<std::string> categories;  // the part of the stream name before the first '-'
  std::string stream_prefix;
  std::optional<std::string> tenant;

  [[nodiscard]] bool empty() const {
    return types.empty() && categories.empty() && stream_prefix.empty() && !tenant.has_value();
  }
};

struct ReadAllOptions {
  // Read strictly after this position; Position::start() reads from the beginning.
  Position from = Position::start();
  // At most this many events in one read_all() page; for visit_all() the page size.
  std::uint64_t max_count = 1000;
  EventFilter filter;
  // Time bound: only events recorded at or before this time.
  std::optional<Timestamp> until;
};

struct StreamSlice {
  std::vector<RecordedEvent> events;
  // Where the next read in the same direction starts; meaningful when !end.
  std::int64_t next_version = 0;
  bool end = true;  // no further events in this direction (at the time of the read)
};

struct AllSlice {
  std::vector<RecordedEvent> events;
  // Pass as `from` to continue. Past the last returned event — and, when the page ended the
  // feed, past every event the filter dropped — so a checkpoint never rescans them.
  Position next;
  bool end = true;  // the read reached the head of the feed (or the `until` bound)
};

// Called once per event by visit_stream()/visit_all(); return false to stop. The event is only
// valid during the call.
using EventVisitor = std::function<bool(const RecordedEvent&)>;

}  // namespace es
