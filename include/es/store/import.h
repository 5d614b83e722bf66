// ImportGroup: one transaction of a store being copied (es migrate), for EventStore::import —
// appends that keep the recorded time the source gave them, so the copy's hash chain (which
// covers recorded_at) and its verify() digest equal the source's. Not for applications.
//
// Thread safety: a plain value type holding views, like AppendRequest.
//
//   std::vector<es::AppendRequest> tx = ...;   // exact versions, events with their ids
//   auto r = target.import({{.requests = tx, .recorded_at = source_event.recorded_at}});
#pragma once

#include <span>

#include "es/core/time.h"
#include "es/store/append.h"

namespace es {

struct ImportGroup {
  // An append batch (distinct streams). Each request places its events — expected exact(n) or
  // no_stream — and every event carries its id.
  std::span<const AppendRequest> requests;
  Timestamp recorded_at;  // of every event of the group
};

}  // namespace es
