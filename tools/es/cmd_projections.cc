// es projections: the named checkpoints of the store (projections, `es tail --name`, any
// subscription with a name), with how far behind the head each one is.
#include <fmt/format.h>

#include <iostream>

#include "command.h"
#include "es/projection/checkpoint_store.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"
#include "projection_lag.h"

namespace es::cli {
namespace {

int run_projections(const GlobalOptions& global) {
  if (const int refused = refuse_tenant(global, "es projections")) return refused;
  auto checkpoints = open_checkpoints(global, "es projections");
  if (!checkpoints) return report(checkpoints.error());
  auto store = open_store(global, Access::kRead);
  if (!store) return report(store.error());
  auto listed = (*checkpoints)->list();
  if (!listed) return report(listed.error());
  auto head = (*store)->head_position();
  if (!head) return report(head.error());
  auto counter = LagCounter::open(global, **store);
  if (!counter) return report(counter.error());
  for (const Checkpoint& checkpoint : *listed) {
    auto behind = counter->events_after(checkpoint.position);
    if (!behind) return report(behind.error());
    const Json line = checkpoint_json(checkpoint, *head, *behind);
    if (!write_line(std::cout, line)) return report(Status::unavailable("cannot write to stdout"));
  }
  std::cout.flush();
  return 0;
}

}  // namespace

void add_projections_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  CLI::App* sub = app.add_subcommand(
      "projections", "List the named checkpoints (projections, tails) with their lag");
  sub->footer(
      "One JSON line per checkpoint: name, position, updated_at, head, caught_up and\n"
      "events_behind (events stored after the checkpoint, filtered ones included).");
  sub->callback([&global, &run] { run = [&global] { return run_projections(global); }; });
}

}  // namespace es::cli
