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

StreamReadRange stream_read_range(const StreamInfo& info, std::int64_t truncate_before,
                                  const ReadStreamOptions& options, Timestamp now) {
  StreamReadRange range;
  range.bounds = retention_bounds(info.retention, info.version, now);
  range.low = std::max(range.bounds.min_version, truncate_before);
  range.high = info.version;
  range.from = options.direction == Direction::kForward
                   ? std::max(options.from_version.value_or(range.low), range.low)
                   : std::min(options.from_version.value_or(range.high), range.high);
  return range;
}

}  // namespace es::detail
