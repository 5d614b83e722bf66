// Deduplicator: the idempotency helper of at-least-once read models. It remembers, per key (a
// document, a row, a message target), the position of the newest event applied to it; since a
// subscription delivers in position order, an event at or before that position is a redelivery
// after a restart, and is skipped.
//
// To survive restarts, store the position with the read model's own write (e.g. a column next
// to the document) and remember() it again on start.
//
// Thread safety: every method may be called concurrently.
//
//   es::Deduplicator applied;
//   if (!applied.first_time(e.recorded.stream, e.recorded.position)) return es::Status::ok();
//   send_email(e.event);
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "es/core/position.h"

namespace es {

class Deduplicator {
 public:
  // True when `position` is newer than anything applied under `key` (and records it); false for
  // a redelivered event.
  bool first_time(std::string_view key, Position position);
  // Restores what the read model had stored: the newest applied position of `key`.
  void remember(std::string_view key, Position position);
  // The newest position applied under `key`, if any.
  [[nodiscard]] std::optional<Position> last(std::string_view key) const;
  [[nodiscard]] std::size_t size() const;
  // Forgets every key; a rebuild's on_clear step calls it along with clearing the read model.
  void clear();

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Position, std::less<>> applied_;
};

}  // namespace es
