#include "es/store/stream_info.h"

namespace es {

std::string_view stream_state_name(StreamState state) {
  switch (state) {
    case StreamState::kAbsent:
      return "absent";
    case StreamState::kLive:
      return "live";
    case StreamState::kSoftDeleted:
      return "soft-deleted";
    case StreamState::kTombstoned:
      return "tombstoned";
  }
  return "unknown";
}

void StoreStats::count(StreamState state) {
  switch (state) {
    case StreamState::kAbsent:
      return;
    case StreamState::kLive:
      ++live_streams;
      break;
    case StreamState::kSoftDeleted:
      ++deleted_streams;
      break;
    case StreamState::kTombstoned:
      ++tombstoned_streams;
      break;
  }
  ++streams;
}

}  // namespace es
