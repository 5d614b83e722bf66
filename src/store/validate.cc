#include "store/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "es/core/utf8.h"

namespace es::detail {
namespace {

// UTF-8 text of 1..max bytes without control characters.
Status validate_name(std::string_view field, std::string_view value, std::size_t max) {
  if (value.empty()) return Status::invalid_argument(fmt::format("{} is empty", field));
  if (value.size() > max) {
    return Status::invalid_argument(
        fmt::format("{} is {} bytes, more than the limit of {}", field, value.size(), max));
  }
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7F) {
      return Status::invalid_argument(
          fmt::format("{} contains a control character at byte {}", field, i));
    }
    const std::size_t len = es::utf8_sequence_length(value, i);
    if (len == 0) {
      return Status::invalid_argument(fmt::format("{} is not valid UTF-8 at byte {}", field, i));
    }
    i += len;
  }
  return Status::ok();
}

bool is_type_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

bool is_json_object(std::string_view text) {
  const auto start = text.find_first_not_of(" \t\r\n");
  return start != std::string_view::npos && text[start] == '{' && nlohmann::json::accept(text);
}

Status validate_event(std::string_view where, const EventData& event, const Limits& limits) {
  if (event.type.empty() || event.type.size() > limits.max_type_bytes ||
      !std::all_of(event.type.begin(), event.type.end(), is_type_char)) {
    return Status::invalid_argument(
        fmt::format("{}.type '{}' must be 1-{} characters of [A-Za-z0-9_.:-]", where,
                    event.type.substr(0, 64), limits.max_type_bytes));
  }
  if (event.schema_version < 1) {
    return Status::invalid_argument(
        fmt::format("{}.schema_version is {}, must be at least 1", where, event.schema_version));
  }
  if (event.data.size() > limits.max_data_bytes) {
    return Status::invalid_argument(fmt::format("{}.data is {} bytes, more than the limit of {}",
                                                where, event.data.size(), limits.max_data_bytes));
  }
  if (event.metadata.size() > limits.max_metadata_bytes) {
    return Status::invalid_argument(
        fmt::format("{}.metadata is {} bytes, more than the limit of {}", where,
                    event.metadata.size(), limits.max_metadata_bytes));
  }
  if (!is_json_object(event.metadata)) {
    return Status::invalid_argument(fmt::format("{}.metadata is not a JSON object", where));
  }
  return Status::ok();
}

}  // namespace

Status validate_stream_name(std::string_view stream, const Limits& limits) {
  return validate_name("stream name", stream, limits.max_stream_name_bytes);
}

Status validate_event_type(std::string_view type, const Limits& limits) {
  EventData probe;
  probe.type = std::string(type);
  return validate_event("event", probe, limits);
}

Status validate_tenant(std::string_view tenant, const Limits& limits) {
  return tenant.empty() ? Status::ok() : validate_name("tenant", tenant, limits.max_tenant_bytes);
}

Status validate_append(std::span<const AppendRequest> batch, const Limits& limits) {
  if (batch.empty()) return Status::invalid_argument("append: the batch has no requests");
  std::size_t total = 0;
  std::vector<std::string_view> streams;
  std::vector<Uuid> ids;
  for (std::size_t r = 0; r < batch.size(); ++r) {
    const AppendRequest& request = batch[r];
    ES_RETURN_IF_ERROR(validate_stream_name(request.stream, limits));
    ES_RETURN_IF_ERROR(validate_tenant(request.tenant, limits));
    if (request.expected.kind() == ExpectedVersion::Kind::kExact &&
        request.expected.version() < 0) {
      return Status::invalid_argument(
          fmt::format("expected version {} is negative", request.expected.version()));
    }
    if (request.events.empty()) {
      return Status::invalid_argument(
          fmt::format("append to stream '{}' has no events", request.stream));
    }
    total += request.events.size();
    if (total > limits.max_events_per_append) {
      return Status::invalid_argument(
          fmt::format("append has more than the limit of {} events", limits.max_events_per_append));
    }
    streams.push_back(request.stream);
    for (std::size_t i = 0; i < request.events.size(); ++i) {
      const EventData& event = request.events[i];
      ES_RETURN_IF_ERROR(validate_event(fmt::format("events[{}]", i), event, limits));
      if (!event.id.is_nil()) ids.push_back(event.id);
    }
  }
  std::sort(streams.begin(), streams.end());
  if (auto dup = std::adjacent_find(streams.begin(), streams.end()); dup != streams.end()) {
    return Status::invalid_argument(fmt::format("stream '{}' appears twice in one batch", *dup));
  }
  std::sort(ids.begin(), ids.end());
  if (auto dup = std::adjacent_find(ids.begin(), ids.end()); dup != ids.end()) {
    return Status::invalid_argument(
        fmt::format("event id {} appears twice in one append", dup->to_string()));
  }
  return Status::ok();
}

Status validate_filter(const EventFilter& filter, const Limits& limits) {
  for (const std::string& type : filter.types)
    ES_RETURN_IF_ERROR(validate_event_type(type, limits));
  for (const std::string& category : filter.categories) {
    ES_RETURN_IF_ERROR(validate_name("category", category, limits.max_stream_name_bytes));
  }
  if (filter.tenant) ES_RETURN_IF_ERROR(validate_tenant(*filter.tenant, limits));
  return Status::ok();
}

}  // namespace es::detail
