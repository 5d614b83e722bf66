// What both projection runners share: their subscription's options, and waiting out a replay.
#pragma once

#include "es/projection/runner.h"

namespace es::detail {

// The subscription a runner starts for `options`, reading what `filter` selects.
SubscriptionOptions subscription_options(const ProjectionOptions& options, EventFilter filter);

// The checkpoint name a runner of `projection_name` keeps under `options` (its consumer group's
// member name, if any); kInvalidArgument for an invalid group.
Result<std::string> checkpoint_name(const std::string& projection_name,
                                    const ProjectionOptions& options);

// kInvalidArgument when `options` name a consumer group, which a rebuild cannot replay alone.
Status refuse_group_rebuild(const ProjectionOptions& options);

// Waits until a subscription started with stop_at_head has stopped; returns how it ended.
Status run_to_head(Result<Subscription> subscription);

}  // namespace es::detail
