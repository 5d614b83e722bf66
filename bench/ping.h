// W7's event: a ping carrying its sequence number and the steady clock just before the append
// that stores it. CLOCK_MONOTONIC is one clock for every process of the machine, so a handler in
// another process can subtract it from its own reading.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "es/core/result.h"
#include "es/store/event.h"
#include "es/store/event_store.h"

namespace es::bench {

inline constexpr std::string_view kPingType = "w7.Ping";

// Nanoseconds on the steady clock.
std::int64_t steady_ns();

// Appends `count` pings (seq 0..count-1) to `stream`, one event per append, back to back; with
// `returned_ns`, also keeps the steady clock when each append returned (committed).
Status append_pings(EventStore& store, const std::string& stream, std::uint64_t count,
                    std::vector<std::int64_t>* returned_ns = nullptr);

struct Ping {
  std::int64_t seq = 0;
  std::int64_t sent_ns = 0;
};
Result<Ping> parse_ping(const RecordedEvent& event);

}  // namespace es::bench
