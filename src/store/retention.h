// What a stream's retention rules leave readable: the lowest visible version and the oldest
// visible recorded_at. Shared by the backends so every one hides exactly the same events.
#pragma once

#include <cstdint>
#include <optional>

#include "es/core/time.h"
#include "es/store/stream_info.h"

namespace es::detail {

struct RetentionBounds {
  std::int64_t min_version = 1;
  std::optional<Timestamp> min_recorded_at;
};

RetentionBounds retention_bounds(const Retention& retention, std::int64_t last_version,
                                 Timestamp now);

}  // namespace es::detail
