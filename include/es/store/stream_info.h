// StreamInfo: what the store knows about one stream — its state, version, tenant and retention.
//
// States (DESIGN §4): absent (never written), live, soft-deleted (reads as empty; an append
// recreates it and versions continue) and tombstoned (never writable again).
// Retention rules hide events from read_stream(); they are removed physically only by compaction.
//
// Thread safety: plain value types.
//
//   auto info = store.stream_info("account-42");
//   if (info && info->state == es::StreamState::kLive) std::cout << info->version;
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "es/core/time.h"

namespace es {

enum class StreamState : std::uint8_t { kAbsent, kLive, kSoftDeleted, kTombstoned };

// "absent", "live", "soft-deleted", "tombstoned".
std::string_view stream_state_name(StreamState state);

struct Retention {
  std::optional<std::uint64_t> max_count;            // keep only the newest N events readable
  std::optional<std::chrono::microseconds> max_age;  // hide events older than this
  std::int64_t truncate_before = 0;                  // hide versions below this
  friend bool operator==(const Retention&, const Retention&) = default;
};

struct StreamInfo {
  std::string stream;
  StreamState state = StreamState::kAbsent;
  // The last version written (deleted events included); 0 when absent. The next append with
  // exact(version) succeeds.
  std::int64_t version = 0;
  std::string tenant;
  Retention retention;
  // Versions below this are hidden from read_stream(): the cut of the last soft delete (its
  // version + 1), raised to retention.truncate_before; 0 when nothing was cut.
  std::int64_t deleted_before = 0;
  Timestamp created_at;  // first append
  Timestamp updated_at;  // last append or deletion
};

struct ListStreamsOptions {
  std::string after;   // streams whose names sort strictly after this one (paging)
  std::string prefix;  // only names starting with this
  std::uint64_t max_count = 1000;
};

struct StoreStats {
  std::string backend;        // "memory", "sqlite", ...
  std::uint64_t events = 0;   // events in the global feed
  std::uint64_t streams = 0;  // streams in any state but absent
  std::uint64_t live_streams = 0;
  std::uint64_t deleted_streams = 0;  // soft-deleted
  std::uint64_t tombstoned_streams = 0;
  std::optional<Timestamp> first_recorded_at;
  std::optional<Timestamp> last_recorded_at;
  std::uint64_t storage_bytes = 0;  // on-disk size where the backend has one

  // Counts one stream in `state` (an absent one counts nowhere).
  void count(StreamState state);
};

}  // namespace es
