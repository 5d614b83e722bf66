// What the dead-letter crash tests share (SQLite: projection/dlq_crash_test.cc, PostgreSQL:
// postgres/projection_crash_test.cc): killing a child process that runs the ledger projection
// exactly-once with a dead-letter queue a few units after it parked the failing event, and
// checking what it left against the store.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "es/projection/checkpoint_store.h"
#include "es/projection/dead_letter_store.h"
#include "es/projection/runner.h"

namespace es::testing {

// Starts the child (ES_APPEND_CHILD_PATH) with `args` and kills it with SIGKILL once it reported
// three committed units past `failing`.
void kill_child_past(const std::vector<std::string>& args, Position failing);

// The read model a killed child left: handles on its checkpoints and letters, its balances, and
// a runner of a projection over it.
struct KilledReadModel {
  CheckpointStore* checkpoints = nullptr;
  DeadLetterStore* letters = nullptr;
  std::function<std::vector<std::string>()> balances;
  std::function<Result<Subscription>(const Projection<Tx>&, const ProjectionOptions&)> run;
};

// Expects the letters, the read model and the checkpoint to agree — each parked event at or
// before the checkpoint and absent from the read model, nothing past the checkpoint applied or
// parked, the checkpoint short of the head — and a restart with a fixed handler and a retry to
// equal a full fold with an empty queue.
void expect_agreement_then_retry(EventStore& store, const RecordedEvent& failing,
                                 const KilledReadModel& model);

}  // namespace es::testing
