// The decision rules of DESIGN §4, shared by every backend so they cannot drift apart: the
// expected-version table, the idempotency verdict on already-stored ids, and the tenant check.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "es/core/result.h"
#include "es/store/append.h"
#include "es/store/stream_info.h"
#include "store/hash_chain.h"

namespace es::detail {

// A stream's row as a backend stores it; exists == false for an absent stream.
struct StreamRow {
  bool exists = false;
  std::int64_t version = 0;
  std::int64_t truncate_before = 0;  // versions below are hidden; > version means soft-deleted
  bool tombstoned = false;
  std::string tenant;
  ChainHash last_hash = kChainStart;  // hash of the event at `version` (docs/security.md)
};

StreamState state_of(const StreamRow& row);

// The expected-version table: ok means "append from row.version + 1".
Status check_expected(std::string_view stream, const StreamRow& row, ExpectedVersion expected);

// The condition of delete_stream/tombstone_stream: any, stream_exists or exact(n).
Status check_delete_expected(std::string_view stream, const StreamRow& row,
                             ExpectedVersion expected);

// The rules of delete_stream (soft) and tombstone_stream on the stream in `row`: true when the
// deletion must be written, false when there is nothing to do (tombstoning a tombstoned stream);
// kStreamDeleted, kNotFound, kConflict or kInvalidArgument otherwise.
Result<bool> check_delete(std::string_view stream, const StreamRow& row, ExpectedVersion expected,
                          bool tombstone);

// set_retention's target must be a stream that exists and is not tombstoned.
Status check_retention_target(std::string_view stream, const StreamRow& row);

// kPermissionDenied when an existing stream belongs to another tenant.
Status check_tenant(std::string_view stream, const StreamRow& row, std::string_view tenant);

// Where an event id is already stored.
struct StoredPlace {
  std::string stream;
  std::int64_t version = 0;
  Position position;
};

// The verdict on an append some of whose ids are stored; stored[i] is the place of the i-th event's
// id, or nullopt. Returns the original result for an exact replay, kAlreadyExists otherwise.
Result<AppendResult> check_replay(std::string_view stream, const StreamRow& row,
                                  ExpectedVersion expected,
                                  std::span<const std::optional<StoredPlace>> stored);

}  // namespace es::detail
