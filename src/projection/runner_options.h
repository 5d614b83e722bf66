// What both projection runners share: their subscription's options, and waiting out a replay.
#pragma once

#include "es/projection/runner.h"

namespace es::detail {

// The subscription a runner starts for `options`, reading what `filter` selects.
SubscriptionOptions subscription_options(const ProjectionOptions& options, EventFilter filter);

// Waits until a subscription started with stop_at_head has stopped; returns how it ended.
Status run_to_head(Result<Subscription> subscription);

}  // namespace es::detail
