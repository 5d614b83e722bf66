// Positions as the projection layer's tables keep them: their canonical text form, parsed back
// on the way out (a row that does not parse is a damaged store).
#pragma once

#include <string>
#include <string_view>

#include "es/core/position.h"
#include "es/core/result.h"

namespace es::detail {

// The position stored as `text` in `table`, or kIntegrity naming both.
inline Result<Position> parse_stored_position(std::string_view table, std::string_view text) {
  auto position = Position::parse(text);
  if (!position) {
    return Status::integrity(std::string(table) + ": stored position '" + std::string(text) +
                             "' does not parse");
  }
  return position;
}

}  // namespace es::detail
