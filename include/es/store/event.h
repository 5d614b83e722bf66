// EventData is an event proposed for appending; RecordedEvent is an event as the store holds it,
// with its coordinates (DESIGN §3).
//
// Thread safety: plain value types.
//
//   es::EventData e{.type = "bank.MoneyDeposited", .data = R"({"cents":500})"};
//   e.metadata = R"({"correlation_id":"c-1","actor":"alice"})";
#pragma once

#include <cstdint>
#include <string>

#include "es/core/position.h"
#include "es/core/time.h"
#include "es/core/uuid.h"

namespace es {

struct EventData {
  // The idempotency key. Nil (the default) lets the store assign a fresh UUID v7; set it yourself
  // when a retry of the same command must not append twice.
  Uuid id;
  // Stable name chosen by the author: 1–128 bytes of [A-Za-z0-9_.:-].
  std::string type;
  // Version of the payload's schema, ≥ 1; upcasters key on (type, schema_version).
  std::int32_t schema_version = 1;
  // The payload bytes, JSON by default; at most Limits::max_data_bytes.
  std::string data;
  // A JSON object: correlation_id, causation_id, actor, traceparent and user keys.
  std::string metadata = "{}";
};

struct RecordedEvent {
  Uuid id;
  std::string stream;
  std::int64_t version = 0;  // 1-based place in its stream
  Position position;         // place in the global feed
  std::string type;
  std::int32_t schema_version = 1;
  std::string data;
  std::string metadata;
  std::string tenant;  // the stream's tenant; empty when none
  Timestamp recorded_at;
};

}  // namespace es
