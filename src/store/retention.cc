#include "store/retention.h"

#include <algorithm>

namespace es::detail {

RetentionBounds retention_bounds(const Retention& retention, std::int64_t last_version,
                                 Timestamp now) {
  RetentionBounds bounds;
  bounds.min_version = std::max<std::int64_t>(1, retention.truncate_before);
  if (retention.max_count) {
    const auto keep = static_cast<std::int64_t>(
        std::min<std::uint64_t>(*retention.max_count, static_cast<std::uint64_t>(INT64_MAX)));
    bounds.min_version = std::max(bounds.min_version, last_version - keep + 1);
  }
  if (retention.max_age) bounds.min_recorded_at = now - *retention.max_age;
  return bounds;
}

}  // namespace es::detail
