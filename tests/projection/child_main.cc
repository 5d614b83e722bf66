#include "projection/child_main.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace es::testing {

std::function<void(const SubscriptionProgress&)> report_progress(std::string label) {
  return [label = std::move(label)](const SubscriptionProgress& p) {
    const std::string line =
        label + " " + std::to_string(p.events) + " - " + p.delivered.to_string() + "\n";
    (void)!::write(STDOUT_FILENO, line.data(), line.size());
  };
}

int run_until_killed(Result<Subscription>& running) {
  if (!running) {
    std::fprintf(stderr, "run: %s\n", running.error().to_string().c_str());
    return 2;
  }
  while (!running->wait_stopped(std::chrono::seconds(60))) {
  }
  std::fprintf(stderr, "projection stopped: %s\n", running->status().to_string().c_str());
  return 2;
}

}  // namespace es::testing
