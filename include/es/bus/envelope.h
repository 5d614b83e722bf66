// Envelope: how a recorded event travels on a message bus (DESIGN §9). Every adapter carries the
// same named fields — in Redis Streams as the entry's field/value pairs, in NATS JetStream as
// headers with the data as the payload — so a consumer rebuilds the RecordedEvent exactly as the
// source store held it: id (also the bus's message id for de-duplication), stream, version,
// position (the source's), type, schema_version, tenant, recorded_at (RFC 3339, UTC, µs),
// metadata (JSON) and data (bytes). docs/distributed.md describes the format for other readers.
//
// Thread safety: free functions over values.
//
//   for (const auto& [name, value] : es::envelope_fields(event)) xadd_args.push_back(...);
//   auto event = es::event_from_envelope([&](std::string_view name) { return lookup(name); });
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "es/core/result.h"
#include "es/store/event.h"

namespace es {

// The field names, in the order envelope_fields() lists them.
inline constexpr std::string_view kEnvelopeId = "id";
inline constexpr std::string_view kEnvelopeStream = "stream";
inline constexpr std::string_view kEnvelopeVersion = "version";
inline constexpr std::string_view kEnvelopePosition = "position";
inline constexpr std::string_view kEnvelopeType = "type";
inline constexpr std::string_view kEnvelopeSchemaVersion = "schema_version";
inline constexpr std::string_view kEnvelopeTenant = "tenant";
inline constexpr std::string_view kEnvelopeRecordedAt = "recorded_at";
inline constexpr std::string_view kEnvelopeMetadata = "metadata";
inline constexpr std::string_view kEnvelopeData = "data";

using EnvelopeFields = std::vector<std::pair<std::string_view, std::string>>;

// Every field of `event`, data last.
EnvelopeFields envelope_fields(const RecordedEvent& event);

// Looks a field up by name; nullopt when the message lacks it.
using EnvelopeLookup = std::function<std::optional<std::string_view>(std::string_view name)>;

// The event an envelope carries; kInvalidArgument naming the first missing or malformed field.
Result<RecordedEvent> event_from_envelope(const EnvelopeLookup& field);

}  // namespace es
