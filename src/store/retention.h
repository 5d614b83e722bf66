// What a stream's retention rules leave readable: the lowest visible version and the oldest
// visible recorded_at. Shared by the backends so every one hides exactly the same events.
#pragma once

#include <cstdint>
#include <optional>

#include "es/core/time.h"
#include "es/store/read.h"
#include "es/store/stream_info.h"

namespace es::detail {

struct RetentionBounds {
  std::int64_t min_version = 1;
  std::optional<Timestamp> min_recorded_at;
};

RetentionBounds retention_bounds(const Retention& retention, std::int64_t last_version,
                                 Timestamp now);

// The versions a read_stream of a live or soft-deleted stream may return, [low, high], and where
// the read starts in its direction; `truncate_before` is the stream row's.
struct StreamReadRange {
  RetentionBounds bounds;
  std::int64_t low = 1;
  std::int64_t high = 0;
  std::int64_t from = 1;
};
StreamReadRange stream_read_range(const StreamInfo& info, std::int64_t truncate_before,
                                  const ReadStreamOptions& options, Timestamp now);

}  // namespace es::detail
