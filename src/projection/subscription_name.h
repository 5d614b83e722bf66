// The rule for a subscription's name, the key of its checkpoint and of its dead letters: 1–256
// bytes. Every store keyed by it checks the same rule.
#pragma once

#include <string_view>

#include "es/core/status.h"

namespace es::detail {

// kInvalidArgument naming `what` (e.g. "checkpoint name") unless `name` is 1–256 bytes.
Status validate_subscription_name(std::string_view name, std::string_view what);

}  // namespace es::detail
