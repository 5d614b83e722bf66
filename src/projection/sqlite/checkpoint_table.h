// The `checkpoints` table of a store file (docs/storage-sqlite.md) through one connection's
// prepared statements. The checkpoint store uses it on its own connection; an exactly-once
// projection uses it inside the transaction that also holds its read-model writes.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "es/projection/checkpoint_store.h"
#include "store/sqlite/connection.h"

namespace es::sqlite {

class CheckpointTable {
 public:
  // Prepares the statements on `conn`, which must outlive the table.
  static Result<CheckpointTable> prepare(Connection& conn);

  Result<std::optional<Position>> load(std::string_view name);
  // Compare-and-set; atomic on its own, or part of the caller's transaction.
  Status save(std::string_view name, const std::optional<Position>& expected, Position next);
  Status remove(std::string_view name);
  Result<std::vector<Checkpoint>> list();

 private:
  CheckpointTable() = default;

  sqlite3* db_ = nullptr;
  Statement load_, insert_, update_, remove_, list_;
};

}  // namespace es::sqlite
