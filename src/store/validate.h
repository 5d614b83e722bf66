// Input validation shared by every backend: names, sizes and limits of DESIGN §3. Each function
// returns kInvalidArgument naming the field and the rule broken.
#pragma once

#include <span>
#include <string_view>

#include "es/core/limits.h"
#include "es/core/status.h"
#include "es/store/append.h"
#include "es/store/read.h"

namespace es::detail {

Status validate_stream_name(std::string_view stream, const Limits& limits);
Status validate_event_type(std::string_view type, const Limits& limits);
Status validate_tenant(std::string_view tenant, const Limits& limits);
// Every request of an append: names, types, sizes, metadata a JSON object, no empty request, no
// stream twice, no event id twice, at most max_events_per_append events overall.
Status validate_append(std::span<const AppendRequest> batch, const Limits& limits);
Status validate_filter(const EventFilter& filter, const Limits& limits);

}  // namespace es::detail
