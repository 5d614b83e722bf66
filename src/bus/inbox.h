// Inbox: writes events received from a bus into the consumer's store under their original ids,
// streams and versions, dropping the copies (es/bus/consumer.h). It remembers each stream's
// version in the inbox — read once from the store, then kept — so a copy costs no query.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "es/store/event_store.h"

namespace es::detail {

class Inbox {
 public:
  explicit Inbox(EventStore& store) : store_(store) {}

  // Appends the events of `received` that are new, in one atomic append, the events of a
  // stream in their order; sets `fresh` to them.
  Status store(std::span<const RecordedEvent> received, std::vector<RecordedEvent>& fresh);

 private:
  Result<std::int64_t> version_of(const std::string& stream);

  EventStore& store_;
  std::map<std::string, std::int64_t, std::less<>> versions_;
};

}  // namespace es::detail
