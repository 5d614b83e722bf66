// One event given to `es` as a line of NDJSON (append from stdin, import; docs/cli.md):
//
//   {"stream": "order-1", "type": "OrderPlaced", "data": {...}, "metadata": {...}, "id": "UUID",
//    "schema_version": 1, "expected": "any"|"no-stream"|"exists"|N, "version": N, "tenant": "t"}
//
// "data" is any JSON value, stored in its compact form; "data_encoding": "text" or "base64" says
// it is a string holding the raw bytes instead (as export writes non-JSON payloads). The same
// goes for "metadata" (a JSON object) and "metadata_encoding". "position" and "recorded_at" are
// accepted and ignored, so that read-all and export output can be fed back. Any other key is an
// error, to catch typos.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "es/core/result.h"
#include "es/store/event.h"
#include "es/store/expected_version.h"
#include "json_text.h"

namespace es::cli {

struct InputEvent {
  std::optional<std::string> stream;
  EventData event;
  std::optional<ExpectedVersion> expected;
  std::optional<std::int64_t> version;  // the version the event had where it came from
  std::optional<std::string> tenant;
};

// Values used when a line leaves a field out (append's TYPE, --metadata, --schema-version).
struct InputDefaults {
  std::optional<std::string> type;
  std::optional<std::string> metadata;
  std::int32_t schema_version = 1;
};

// Parses one line; `where` ("line 7") prefixes every error.
Result<InputEvent> parse_input_event(std::string_view line, std::string_view where,
                                     const InputDefaults& defaults = {});
// The same for a line parsed already (es serve's request bodies).
Result<InputEvent> input_event_from_json(const Json& json, std::string_view where,
                                         const InputDefaults& defaults = {});

// A payload given on the command line: any JSON value, stored in its compact form.
Result<std::string> parse_payload_argument(std::string_view text, std::string_view what,
                                           bool must_be_object);

}  // namespace es::cli
