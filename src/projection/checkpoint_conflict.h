// The kConflict every checkpoint store reports when a compare-and-set finds another position.
#pragma once

#include <optional>
#include <string_view>

#include "es/core/position.h"
#include "es/core/status.h"

namespace es::detail {

Status checkpoint_conflict(std::string_view name, const std::optional<Position>& expected,
                           const std::optional<Position>& actual);

}  // namespace es::detail
