#include "store/append_rules.h"

#include <algorithm>

namespace es::detail {
namespace {

Status conflict(std::string_view stream, ExpectedVersion expected, std::int64_t actual) {
  return Status::conflict({std::string(stream), expected.to_string(), actual});
}

Status deleted(std::string_view stream) {
  return Status::stream_deleted("stream '" + std::string(stream) + "' is tombstoned");
}

}  // namespace

StreamState state_of(const StreamRow& row) {
  if (row.tombstoned) return StreamState::kTombstoned;
  if (!row.exists) return StreamState::kAbsent;
  return row.truncate_before > row.version ? StreamState::kSoftDeleted : StreamState::kLive;
}

Status check_expected(std::string_view stream, const StreamRow& row, ExpectedVersion expected) {
  const StreamState state = state_of(row);
  if (state == StreamState::kTombstoned) return deleted(stream);
  switch (expected.kind()) {
    case ExpectedVersion::Kind::kAny:
      return Status::ok();
    case ExpectedVersion::Kind::kNoStream:
      return state == StreamState::kLive ? conflict(stream, expected, row.version) : Status::ok();
    case ExpectedVersion::Kind::kStreamExists:
      return state == StreamState::kLive ? Status::ok() : conflict(stream, expected, row.version);
    case ExpectedVersion::Kind::kExact:
      return expected.version() == row.version ? Status::ok()
                                               : conflict(stream, expected, row.version);
  }
  return Status::internal("unknown expected-version kind");
}

Status check_delete_expected(std::string_view stream, const StreamRow& row,
                             ExpectedVersion expected) {
  if (expected.kind() == ExpectedVersion::Kind::kNoStream) {
    return Status::invalid_argument("expected: a delete cannot expect no-stream");
  }
  if (expected.kind() == ExpectedVersion::Kind::kAny) return Status::ok();
  return check_expected(stream, row, expected);
}

Result<bool> check_delete(std::string_view stream, const StreamRow& row, ExpectedVersion expected,
                          bool tombstone) {
  if (row.tombstoned) {
    if (tombstone) return false;
    return deleted(stream);
  }
  if (!row.exists && !tombstone) {
    return Status::not_found("stream '" + std::string(stream) + "' does not exist");
  }
  ES_RETURN_IF_ERROR(check_delete_expected(stream, row, expected));
  return true;
}

Status check_retention_target(std::string_view stream, const StreamRow& row) {
  if (row.tombstoned) return deleted(stream);
  if (!row.exists) return Status::not_found("stream '" + std::string(stream) + "' does not exist");
  return Status::ok();
}

Status check_tenant(std::string_view stream, const StreamRow& row, std::string_view tenant) {
  if (!row.exists || row.tenant == tenant) return Status::ok();
  return Status::permission_denied("stream '" + std::string(stream) +
                                   "' belongs to another tenant");
}

Result<AppendResult> check_replay(std::string_view stream, const StreamRow& row,
                                  ExpectedVersion expected,
                                  std::span<const std::optional<StoredPlace>> stored) {
  auto already = [&](std::string_view why) {
    return Status::already_exists("stream '" + std::string(stream) + "': " + std::string(why));
  };
  const auto missing = std::count_if(stored.begin(), stored.end(),
                                     [](const auto& place) { return !place.has_value(); });
  if (missing > 0) {
    return already("some of the event ids are already stored, others are not");
  }
  const StoredPlace& first = *stored.front();
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const StoredPlace& place = *stored[i];
    if (place.stream != stream) {
      return already("event id is already stored in stream '" + place.stream + "'");
    }
    if (place.version != first.version + static_cast<std::int64_t>(i)) {
      return already("event ids are stored, but not as the consecutive events of this append");
    }
  }
  bool same_place = true;
  switch (expected.kind()) {
    case ExpectedVersion::Kind::kAny:
      break;
    case ExpectedVersion::Kind::kNoStream:
      same_place = first.version == 1 || first.version == row.truncate_before;
      break;
    case ExpectedVersion::Kind::kStreamExists:
      same_place = first.version > 1;
      break;
    case ExpectedVersion::Kind::kExact:
      same_place = first.version == expected.version() + 1;
      break;
  }
  if (!same_place) {
    return already("event ids are stored at versions other than the expected version names");
  }
  return AppendResult{first.version, stored.back()->version, first.position,
                      stored.back()->position};
}

}  // namespace es::detail
