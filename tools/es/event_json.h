// The JSON shapes `es` prints (docs/cli.md): recorded events, stream infos, store stats and
// append results. One object per line (NDJSON) for lists.
//
// Payloads (data, metadata) are embedded as JSON values when they are JSON. Otherwise they are a
// string and a sibling key says how to read it: "data_encoding": "text" (valid UTF-8, as it is)
// or "base64". The exact mode, used by export, embeds only payloads whose compact JSON form is
// byte for byte the stored text, so that an import stores the very same bytes again.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "es/domain/upcaster.h"
#include "es/store/append.h"
#include "es/store/event.h"
#include "es/store/stream_info.h"
#include "json_text.h"

namespace es::cli {

enum class PayloadMode : std::uint8_t {
  kReadable,  // any stored JSON is embedded (whitespace is not kept)
  kExact,     // embedded only when the bytes are exactly the compact JSON
};

// Sets out[key] from stored bytes, plus out[key + "_encoding"] when they are not embedded.
void put_payload(Json& out, std::string_view key, const std::string& bytes, PayloadMode mode);

// id, stream, version, position, type, schema_version, data, metadata, tenant, recorded_at.
Json event_json(const RecordedEvent& event, PayloadMode mode);

// One event that upcasting made of the stored `event`: the stored id, stream, version, position,
// metadata, tenant and time, with `current`'s type, schema_version and data, and
// "upcast_from": {"type", "schema_version"} naming the stored payload.
Json upcast_event_json(const RecordedEvent& event, const StoredPayload& current);

// stream, state, version, tenant, created_at, updated_at and retention when any rule is set.
Json stream_info_json(const StreamInfo& info);

Json stats_json(const StoreStats& stats, const Position& head);

// The outcome of appending one event: stream, version, position (null when unknown) and id.
Json appended_json(std::string_view stream, std::int64_t version, const Position* position,
                   const Uuid& id);

// Writes `value` and a newline; false when the stream has failed (a closed pipe, a full disk).
bool write_line(std::ostream& out, const Json& value);

}  // namespace es::cli
