#include "event_json.h"

#include <ostream>

#include "encoding.h"
#include "es/core/time.h"

namespace es::cli {

void put_payload(Json& out, std::string_view key, const std::string& bytes, PayloadMode mode) {
  if (auto parsed = parse_json(bytes, key)) {
    if (mode == PayloadMode::kReadable || dump(*parsed) == bytes) {
      out[std::string(key)] = std::move(*parsed);
      return;
    }
  }
  const bool text = is_valid_utf8(bytes);
  out[std::string(key)] = text ? bytes : base64_encode(bytes);
  out[std::string(key) + "_encoding"] = text ? "text" : "base64";
}

Json event_json(const RecordedEvent& event, PayloadMode mode) {
  Json out = Json::object();
  out["id"] = event.id.to_string();
  out["stream"] = event.stream;
  out["version"] = event.version;
  out["position"] = event.position.to_string();
  out["type"] = event.type;
  out["schema_version"] = event.schema_version;
  put_payload(out, "data", event.data, mode);
  put_payload(out, "metadata", event.metadata, mode);
  out["tenant"] = event.tenant;
  out["recorded_at"] = format_time(event.recorded_at);
  return out;
}

Json upcast_event_json(const RecordedEvent& event, const StoredPayload& current) {
  Json out = event_json(event, PayloadMode::kReadable);
  out["type"] = current.type;
  out["schema_version"] = current.schema_version;
  out.erase("data_encoding");
  put_payload(out, "data", current.data, PayloadMode::kReadable);
  out["upcast_from"] = Json{{"type", event.type}, {"schema_version", event.schema_version}};
  return out;
}

Json stream_info_json(const StreamInfo& info) {
  Json out = Json::object();
  out["stream"] = info.stream;
  out["state"] = stream_state_name(info.state);
  out["version"] = info.version;
  out["tenant"] = info.tenant;
  out["created_at"] = format_time(info.created_at);
  out["updated_at"] = format_time(info.updated_at);
  const Retention& r = info.retention;
  if (r != Retention{}) {
    Json retention = Json::object();
    if (r.max_count) retention["max_count"] = *r.max_count;
    if (r.max_age) retention["max_age_us"] = r.max_age->count();
    if (r.truncate_before != 0) retention["truncate_before"] = r.truncate_before;
    out["retention"] = std::move(retention);
  }
  return out;
}

Json stats_json(const StoreStats& stats, const Position& head) {
  auto time_or_null = [](const std::optional<Timestamp>& t) {
    return t ? Json(format_time(*t)) : Json(nullptr);
  };
  Json out = Json::object();
  out["backend"] = stats.backend;
  out["events"] = stats.events;
  out["streams"] = stats.streams;
  out["live_streams"] = stats.live_streams;
  out["deleted_streams"] = stats.deleted_streams;
  out["tombstoned_streams"] = stats.tombstoned_streams;
  out["first_recorded_at"] = time_or_null(stats.first_recorded_at);
  out["last_recorded_at"] = time_or_null(stats.last_recorded_at);
  out["storage_bytes"] = stats.storage_bytes;
  out["head_position"] = head.to_string();
  return out;
}

Json appended_json(std::string_view stream, std::int64_t version, const Position* position,
                   const Uuid& id) {
  Json out = Json::object();
  out["stream"] = stream;
  out["version"] = version;
  out["position"] = position ? Json(position->to_string()) : Json(nullptr);
  out["id"] = id.to_string();
  return out;
}

bool write_line(std::ostream& out, const Json& value) {
  out << dump(value) << '\n';
  return out.good();
}

}  // namespace es::cli
