// Byte encodings the CLI needs to carry payloads that are not JSON through NDJSON lines: text
// (es::is_valid_utf8) goes in a JSON string as it is, everything else as base64 (RFC 4648, with
// padding).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "es/core/utf8.h"

namespace es::cli {

std::string base64_encode(std::string_view bytes);

// The decoded bytes, or nullopt when `text` is not padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace es::cli
