// JSON text in and out of the CLI.
//
// The CLI never changes what a payload means: parse_json() rejects what nlohmann::json would
// silently alter — a number a double cannot hold (12345678901234567890123, 0.1000000000000000001)
// and an object with a duplicate key — so that dump(parse_json(text)) is the same JSON value as
// `text`. Objects keep their key order (ordered_json). Nesting deeper than 512 levels is refused.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "es/core/result.h"

namespace es::cli {

using Json = nlohmann::ordered_json;

// Parses one JSON document; `what` names it in errors ("data", "line 7").
Result<Json> parse_json(std::string_view text, std::string_view what);

// The compact form: no spaces, keys in their order, non-ASCII kept as UTF-8.
std::string dump(const Json& value);

}  // namespace es::cli
