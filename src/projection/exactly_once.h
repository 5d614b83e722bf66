// The exactly-once runner, whatever database holds the read model: each batch of events — the
// handlers' writes through es::Tx and the checkpoint — is one transaction of a ReadModel, so after
// any crash the read model is exactly the fold of the events up to its checkpoint (DESIGN §8).
// With options.dead_letters, failing events are parked in the read model's `dead_letters` table
// inside those transactions (projection/read_model_sink.h).
// run_sqlite_projection and run_postgres_projection are this runner over their ReadModel.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "es/projection/dead_letter_store.h"
#include "es/projection/runner.h"
#include "projection/tx_impl.h"

namespace es::detail {

// One connection to a read-model database, used by the runner's thread only: its transaction,
// and the `checkpoints` and `dead_letters` tables reached through that transaction.
class ReadModel {
 public:
  ReadModel() = default;
  ReadModel(const ReadModel&) = delete;
  ReadModel& operator=(const ReadModel&) = delete;
  virtual ~ReadModel() = default;

  virtual TxImpl& tx() = 0;
  virtual Result<std::optional<Position>> load_checkpoint(std::string_view name) = 0;
  // Compare-and-set, part of the open transaction; kConflict when `expected` is not stored.
  virtual Status save_checkpoint(std::string_view name, const std::optional<Position>& expected,
                                 Position next) = 0;
  virtual Status remove_checkpoint(std::string_view name) = 0;

  // As DeadLetterStore's list, park, remove and keep: part of the open transaction, if any.
  virtual Result<std::vector<DeadLetter>> list_letters(std::string_view subscription) = 0;
  virtual Status park_letter(const DeadLetter& letter) = 0;
  virtual Status remove_letter(const DeadLetter& letter) = 0;
  virtual Status keep_letter(const DeadLetter& letter) = 0;
};

// Opens a fresh connection to the read-model database.
using OpenReadModel = std::function<Result<std::unique_ptr<ReadModel>>()>;

Result<Subscription> run_exactly_once(EventStore& store, const OpenReadModel& open,
                                      const Projection<Tx>& projection,
                                      const ProjectionOptions& options);
// In one transaction: on_start, on_clear and the checkpoint removed; then replays to the head.
Status rebuild_exactly_once(EventStore& store, const OpenReadModel& open,
                            const Projection<Tx>& projection, const ProjectionOptions& options);

}  // namespace es::detail
