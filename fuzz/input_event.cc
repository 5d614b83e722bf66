// Parses arbitrary bytes as one NDJSON line of `es append` / `es import` (parse_input_event, with
// its JSON text checks, payload encodings, UUID and expected-version parsing).
// Checks: a line that parses, written back the way `es export` writes an event (exact payload
// mode) and parsed again, gives the very same event: stream, version, type, schema version, id,
// tenant and the payload bytes of data and metadata.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "check.h"
#include "event_json.h"
#include "input_event.h"
#include "json_text.h"

namespace {

es::RecordedEvent as_recorded(const es::cli::InputEvent& in) {
  es::RecordedEvent out;
  out.id = in.event.id;
  out.stream = in.stream.value_or("fuzz-1");
  out.version = in.version.value_or(1);
  out.position = es::Position(0, 1);
  out.type = in.event.type;
  out.schema_version = in.event.schema_version;
  out.data = in.event.data;
  out.metadata = in.event.metadata;
  out.tenant = in.tenant.value_or("");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(bytes), size);
  auto parsed = es::cli::parse_input_event(line, "line 1");
  if (!parsed) return 0;
  const es::RecordedEvent recorded = as_recorded(*parsed);
  const std::string exported =
      es::cli::dump(es::cli::event_json(recorded, es::cli::PayloadMode::kExact));
  auto again = es::cli::parse_input_event(exported, "line 1");
  FUZZ_CHECK(again.has_value());
  const es::RecordedEvent back = as_recorded(*again);
  FUZZ_CHECK(back.id == recorded.id);
  FUZZ_CHECK(back.stream == recorded.stream);
  FUZZ_CHECK(back.version == recorded.version);
  FUZZ_CHECK(back.type == recorded.type);
  FUZZ_CHECK(back.schema_version == recorded.schema_version);
  FUZZ_CHECK(back.data == recorded.data);
  FUZZ_CHECK(back.metadata == recorded.metadata);
  FUZZ_CHECK(back.tenant == recorded.tenant);
  return 0;
}
