#include "input_event.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>

#include "encoding.h"
#include "json_text.h"

namespace es::cli {
namespace {

constexpr std::array<std::string_view, 13> kKnownKeys = {
    "stream",   "type",    "data",           "data_encoding", "metadata", "metadata_encoding", "id",
    "expected", "version", "schema_version", "tenant",        "position", "recorded_at"};

Status field_error(std::string_view where, std::string_view key, std::string_view problem) {
  return Status::invalid_argument(fmt::format("{}: \"{}\" {}", where, key, problem));
}

Result<std::string> string_field(const Json& value, std::string_view where, std::string_view key) {
  if (!value.is_string()) return field_error(where, key, "must be a string");
  return value.get<std::string>();
}

Result<std::int64_t> integer_field(const Json& value, std::string_view where, std::string_view key,
                                   std::int64_t min, std::int64_t max) {
  const bool in_range = value.is_number_integer() &&
                        !(value.is_number_unsigned() &&
                          value.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) &&
                        value.get<std::int64_t>() >= min && value.get<std::int64_t>() <= max;
  if (!in_range) {
    return field_error(where, key, fmt::format("must be an integer from {} to {}", min, max));
  }
  return value.get<std::int64_t>();
}

// The stored bytes of "data" or "metadata", decoded as its "<key>_encoding" says.
Result<std::string> payload_field(const Json& line, std::string_view where, const std::string& key,
                                  bool must_be_object) {
  const Json& value = line.at(key);
  std::string encoding = "json";
  if (auto it = line.find(key + "_encoding"); it != line.end()) {
    auto text = string_field(*it, where, key + "_encoding");
    if (!text) return text.error();
    encoding = *text;
  }
  if (encoding == "json") {
    if (must_be_object && !value.is_object()) return field_error(where, key, "must be an object");
    return dump(value);
  }
  if (encoding != "text" && encoding != "base64") {
    return field_error(where, key + "_encoding", "must be json, text or base64");
  }
  auto text = string_field(value, where, key);
  if (!text || encoding == "text") return text;
  auto bytes = base64_decode(*text);
  if (!bytes) return field_error(where, key, "is not valid base64");
  return std::move(*bytes);
}

Result<ExpectedVersion> expected_field(const Json& value, std::string_view where) {
  if (value.is_string()) {
    auto parsed = ExpectedVersion::parse(value.get<std::string>());
    if (!parsed) return field_error(where, "expected", "must be any, no-stream, exists or N >= 0");
    return *parsed;
  }
  auto version =
      integer_field(value, where, "expected", 0, std::numeric_limits<std::int64_t>::max());
  if (!version) return version.error();
  return ExpectedVersion::exact(*version);
}

}  // namespace

Result<InputEvent> parse_input_event(std::string_view line, std::string_view where,
                                     const InputDefaults& defaults) {
  auto parsed = parse_json(line, where);
  if (!parsed) return parsed.error();
  return input_event_from_json(*parsed, where, defaults);
}

Result<InputEvent> input_event_from_json(const Json& json, std::string_view where,
                                         const InputDefaults& defaults) {
  if (!json.is_object()) {
    return Status::invalid_argument(fmt::format("{}: an event must be a JSON object", where));
  }
  for (const auto& [key, value] : json.items()) {
    if (std::find(kKnownKeys.begin(), kKnownKeys.end(), key) == kKnownKeys.end()) {
      return field_error(where, key, "is not a field of an event");
    }
  }
  InputEvent in;
  EventData& event = in.event;
  if (auto it = json.find("stream"); it != json.end()) {
    auto stream = string_field(*it, where, "stream");
    if (!stream) return stream.error();
    in.stream = std::move(*stream);
  }
  if (auto it = json.find("type"); it != json.end()) {
    auto type = string_field(*it, where, "type");
    if (!type) return type.error();
    event.type = std::move(*type);
  } else if (defaults.type) {
    event.type = *defaults.type;
  } else {
    return field_error(where, "type", "is missing");
  }
  if (!json.contains("data")) return field_error(where, "data", "is missing");
  auto data = payload_field(json, where, "data", /*must_be_object=*/false);
  if (!data) return data.error();
  event.data = std::move(*data);
  if (json.contains("metadata")) {
    auto metadata = payload_field(json, where, "metadata", /*must_be_object=*/true);
    if (!metadata) return metadata.error();
    event.metadata = std::move(*metadata);
  } else if (defaults.metadata) {
    event.metadata = *defaults.metadata;
  }
  event.schema_version = defaults.schema_version;
  if (auto it = json.find("schema_version"); it != json.end()) {
    auto version =
        integer_field(*it, where, "schema_version", 1, std::numeric_limits<std::int32_t>::max());
    if (!version) return version.error();
    event.schema_version = static_cast<std::int32_t>(*version);
  }
  if (auto it = json.find("id"); it != json.end()) {
    auto text = string_field(*it, where, "id");
    if (!text) return text.error();
    auto id = Uuid::parse(*text);
    if (!id) return field_error(where, "id", "is not a UUID");
    event.id = *id;
  }
  if (auto it = json.find("expected"); it != json.end()) {
    auto expected = expected_field(*it, where);
    if (!expected) return expected.error();
    in.expected = *expected;
  }
  if (auto it = json.find("version"); it != json.end()) {
    auto version =
        integer_field(*it, where, "version", 1, std::numeric_limits<std::int64_t>::max());
    if (!version) return version.error();
    in.version = *version;
  }
  if (auto it = json.find("tenant"); it != json.end()) {
    auto tenant = string_field(*it, where, "tenant");
    if (!tenant) return tenant.error();
    in.tenant = std::move(*tenant);
  }
  return in;
}

Result<std::string> parse_payload_argument(std::string_view text, std::string_view what,
                                           bool must_be_object) {
  auto parsed = parse_json(text, what);
  if (!parsed) return parsed.error();
  if (must_be_object && !parsed->is_object()) {
    return Status::invalid_argument(fmt::format("{} must be a JSON object", what));
  }
  return dump(*parsed);
}

}  // namespace es::cli
