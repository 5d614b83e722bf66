// CheckpointStore: the position each named subscription has processed up to (DESIGN §8), so a
// restarted subscription resumes without loss or duplicate. Writes are compare-and-set: a save
// names the position it expects to replace, and fails with kConflict when another runner under
// the same name moved it meanwhile — two runners can never both advance one checkpoint.
//
// Thread safety: every method may be called concurrently.
//
//   auto checkpoints = es::open_sqlite_checkpoint_store("events.db");
//   auto last = (*checkpoints)->load("balances");              // std::optional<Position>
//   es::Status s = (*checkpoints)->save("balances", *last, page->next);
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "es/core/position.h"
#include "es/core/result.h"
#include "es/core/time.h"
#include "es/store/postgres_store.h"
#include "es/store/sqlite_store.h"

namespace es {

struct Checkpoint {
  std::string name;
  Position position;     // the subscription has processed every event up to here
  Timestamp updated_at;  // when it was last saved
};

class CheckpointStore {
 public:
  CheckpointStore() = default;
  CheckpointStore(const CheckpointStore&) = delete;
  CheckpointStore& operator=(const CheckpointStore&) = delete;
  virtual ~CheckpointStore() = default;

  // Names are 1–256 bytes; anything else is kInvalidArgument.

  // The saved position of `name`, or nullopt when none is saved.
  Result<std::optional<Position>> load(std::string_view name);
  // Replaces the position of `name` with `next` if the stored one equals `expected` (nullopt:
  // none stored yet); otherwise kConflict naming both, and nothing changes.
  Status save(std::string_view name, const std::optional<Position>& expected, Position next);
  // Forgets `name` (a rebuild starts again from the beginning); ok when none is saved.
  Status remove(std::string_view name);
  // Every saved checkpoint, by name.
  Result<std::vector<Checkpoint>> list();

 protected:
  // Hooks; `name` is valid. do_save fails with kConflict on a mismatch.
  virtual Result<std::optional<Position>> do_load(std::string_view name) = 0;
  virtual Status do_save(std::string_view name, const std::optional<Position>& expected,
                         Position next) = 0;
  virtual Status do_remove(std::string_view name) = 0;
  virtual Result<std::vector<Checkpoint>> do_list() = 0;
};

std::unique_ptr<CheckpointStore> make_memory_checkpoint_store();

// Checkpoints kept in the `checkpoints` table of a SQLite store file (docs/storage-sqlite.md).
Result<std::unique_ptr<CheckpointStore>> open_sqlite_checkpoint_store(
    const std::string& path, const SqliteOptions& options = {});

// Checkpoints kept in the `checkpoints` table of a postgres store's schema (options.schema,
// created or migrated if needed; docs/storage-postgres.md).
Result<std::unique_ptr<CheckpointStore>> open_postgres_checkpoint_store(
    const std::string& conninfo, const PostgresOptions& options = {});

}  // namespace es
