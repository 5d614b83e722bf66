// The exactly-once runner's DeliverySink: each unit of work is one SQLite transaction on the
// runner's connection holding the handlers' writes (through es::Tx), the dead letters parked or
// removed, and the checkpoint — so a parked event and the checkpoint past it commit together,
// and a redelivered event's effects and the removal of its letter too.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "projection/delivery_sink.h"
#include "projection/sqlite/checkpoint_table.h"
#include "projection/sqlite/dead_letter_table.h"
#include "projection/tx_impl.h"

namespace es::sqlite {

struct SqliteSinkParts {
  std::shared_ptr<void> owner;  // keeps the connection and the parts below alive
  detail::TxImpl* tx = nullptr;
  CheckpointTable* checkpoints = nullptr;
  std::optional<Position>* saved = nullptr;  // the committed checkpoint, updated on commit
  std::string checkpoint_name;
  std::function<Status(const RecordedEvent&, Tx&)> handle;
};

// Prepares the dead-letter statements on `conn` (the connection of parts.tx).
Result<std::unique_ptr<detail::DeliverySink>> make_sqlite_sink(Connection& conn,
                                                               SqliteSinkParts parts);

}  // namespace es::sqlite
