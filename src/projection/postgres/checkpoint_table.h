// The `checkpoints` table of a postgres store's schema (docs/storage-postgres.md) through one
// connection. The checkpoint store uses it on its session's connection; an exactly-once
// projection uses it inside the transaction that also holds its read-model writes.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "es/projection/checkpoint_store.h"
#include "store/postgres/connection.h"

namespace es::postgres {

class CheckpointTable {
 public:
  // `conn` must outlive the table.
  explicit CheckpointTable(Connection& conn) : conn_(conn) {}

  Result<std::optional<Position>> load(std::string_view name);
  // Compare-and-set; atomic on its own, or part of the caller's transaction.
  Status save(std::string_view name, const std::optional<Position>& expected, Position next);
  Status remove(std::string_view name);
  Result<std::vector<Checkpoint>> list();

 private:
  Connection& conn_;
};

}  // namespace es::postgres
