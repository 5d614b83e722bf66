// Byte encodings the CLI needs to carry payloads that are not JSON through NDJSON lines:
// UTF-8 validation (text goes in a JSON string as it is) and base64 (RFC 4648, with padding)
// for everything else.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace es::cli {

// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF), the condition for putting them in a JSON string unchanged.
bool is_valid_utf8(std::string_view bytes);

std::string base64_encode(std::string_view bytes);

// The decoded bytes, or nullopt when `text` is not padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace es::cli
