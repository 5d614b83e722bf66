#include "es/bus/envelope.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

namespace es {
namespace {

template <typename Int>
Result<Int> parse_int(std::string_view text, std::string_view field) {
  Int value{};
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    return Status::invalid_argument("envelope field '" + std::string(field) +
                                    "' is not an integer: '" + std::string(text) + "'");
  }
  return value;
}

}  // namespace

EnvelopeFields envelope_fields(const RecordedEvent& event) {
  EnvelopeFields fields;
  fields.reserve(10);
  fields.emplace_back(kEnvelopeId, event.id.to_string());
  fields.emplace_back(kEnvelopeStream, event.stream);
  fields.emplace_back(kEnvelopeVersion, std::to_string(event.version));
  fields.emplace_back(kEnvelopePosition, event.position.to_string());
  fields.emplace_back(kEnvelopeType, event.type);
  fields.emplace_back(kEnvelopeSchemaVersion, std::to_string(event.schema_version));
  fields.emplace_back(kEnvelopeTenant, event.tenant);
  fields.emplace_back(kEnvelopeRecordedAt, format_time(event.recorded_at));
  fields.emplace_back(kEnvelopeMetadata, event.metadata);
  fields.emplace_back(kEnvelopeData, event.data);
  return fields;
}

Result<RecordedEvent> event_from_envelope(const EnvelopeLookup& field) {
  auto required = [&](std::string_view name) -> Result<std::string_view> {
    auto value = field(name);
    if (!value)
      return Status::invalid_argument("envelope lacks the field '" + std::string(name) + "'");
    return *value;
  };
  RecordedEvent event;
  auto id = required(kEnvelopeId);
  if (!id) return id.error();
  auto uuid = Uuid::parse(*id);
  if (!uuid)
    return Status::invalid_argument(fmt::format("envelope field 'id': {}", uuid.error().message()));
  event.id = *uuid;
  auto stream = required(kEnvelopeStream);
  if (!stream) return stream.error();
  event.stream = std::string(*stream);
  auto version_text = required(kEnvelopeVersion);
  if (!version_text) return version_text.error();
  auto version = parse_int<std::int64_t>(*version_text, kEnvelopeVersion);
  if (!version) return version.error();
  event.version = *version;
  auto position_text = required(kEnvelopePosition);
  if (!position_text) return position_text.error();
  auto position = Position::parse(*position_text);
  if (!position) {
    return Status::invalid_argument(
        fmt::format("envelope field 'position': {}", position.error().message()));
  }
  event.position = *position;
  auto type = required(kEnvelopeType);
  if (!type) return type.error();
  event.type = std::string(*type);
  auto schema_text = required(kEnvelopeSchemaVersion);
  if (!schema_text) return schema_text.error();
  auto schema = parse_int<std::int32_t>(*schema_text, kEnvelopeSchemaVersion);
  if (!schema) return schema.error();
  event.schema_version = *schema;
  event.tenant = std::string(field(kEnvelopeTenant).value_or(""));
  auto recorded_text = required(kEnvelopeRecordedAt);
  if (!recorded_text) return recorded_text.error();
  auto recorded = parse_time(*recorded_text);
  if (!recorded) {
    return Status::invalid_argument(
        fmt::format("envelope field 'recorded_at': {}", recorded.error().message()));
  }
  event.recorded_at = *recorded;
  event.metadata = std::string(field(kEnvelopeMetadata).value_or("{}"));
  auto data = required(kEnvelopeData);
  if (!data) return data.error();
  event.data = std::string(*data);
  return event;
}

}  // namespace es
