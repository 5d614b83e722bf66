// Time: UTC timestamps with microsecond resolution, as the store records them (recorded_at), and
// their ISO-8601 text form.
//
// Thread safety: free functions without shared state.
//
//   es::Timestamp t = es::now();
//   std::string text = es::format_time(t);                 // "2026-11-22T19:07:00.123456Z"
//   es::Result<es::Timestamp> back = es::parse_time("2026-01-15T00:00:00Z");
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "es/core/result.h"

namespace es {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// The current UTC time, truncated to microseconds.
Timestamp now();

// Microseconds since the Unix epoch, the storage form.
constexpr std::int64_t to_unix_micros(Timestamp t) { return t.time_since_epoch().count(); }
constexpr Timestamp from_unix_micros(std::int64_t micros) {
  return Timestamp(std::chrono::microseconds(micros));
}

// "YYYY-MM-DDTHH:MM:SS.ffffffZ", always six fractional digits.
std::string format_time(Timestamp t);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" with an optional fraction of 1–9 digits (kept to the
// microsecond) and a zone of "Z" or "+HH:MM"/"-HH:MM"; a date-time without a zone is UTC.
Result<Timestamp> parse_time(std::string_view text);

}  // namespace es
