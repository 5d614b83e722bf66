// What every projection child process shares: the progress line its parent reads, and running
// a projection until the parent kills the process.
#pragma once

#include <functional>
#include <string>

#include "es/projection/runner.h"

namespace es::testing {

// An on_progress callback writing "<label> EVENTS - POSITION\n" (the shape ChildProcess parses)
// with one write(2), so a kill never leaves half a line.
std::function<void(const SubscriptionProgress&)> report_progress(std::string label);

// Waits until the process is killed. Returns 2 (after saying why on stderr) only when the
// projection could not start or stopped on its own.
int run_until_killed(Result<Subscription>& running);

}  // namespace es::testing
