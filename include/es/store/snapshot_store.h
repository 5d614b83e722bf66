// SnapshotStore: the newest saved state of each aggregate stream, so a load replays only the
// events after it (DESIGN §7). A snapshot is a cache: losing or ignoring one never changes what a
// load returns, only how long it takes.
//
// Thread safety: every method may be called concurrently.
//
//   auto snapshots = es::open_snapshot_store("events.db");
//   (*snapshots)->save({.stream = "account-42", .version = 100, .type = "Account",
//                       .schema_version = 1, .data = state_json, .recorded_at = t});
//   auto latest = (*snapshots)->load("account-42");   // std::optional<Snapshot>
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "es/core/result.h"
#include "es/core/time.h"
#include "es/store/postgres_store.h"
#include "es/store/sqlite_store.h"

namespace es {

struct Snapshot {
  std::string stream;
  std::int64_t version = 0;         // the stream version the state includes
  std::string type;                 // the state's type name, for diagnostics
  std::int32_t schema_version = 1;  // the state's schema version; a load ignores other versions
  std::string data;                 // the encoded state
  Timestamp recorded_at;            // recorded_at of the event at `version` (for as_of loads)
};

class SnapshotStore {
 public:
  SnapshotStore() = default;
  SnapshotStore(const SnapshotStore&) = delete;
  SnapshotStore& operator=(const SnapshotStore&) = delete;
  virtual ~SnapshotStore() = default;

  // Keeps the snapshot unless one of a higher version is stored already.
  virtual Status save(const Snapshot& snapshot) = 0;
  // The newest snapshot of `stream`, or nullopt.
  virtual Result<std::optional<Snapshot>> load(std::string_view stream) = 0;
  virtual Status remove(std::string_view stream) = 0;
};

std::unique_ptr<SnapshotStore> make_memory_snapshot_store();

// Snapshots kept in the `snapshots` table of a SQLite store file (docs/storage-sqlite.md).
Result<std::unique_ptr<SnapshotStore>> open_sqlite_snapshot_store(
    const std::string& path, const SqliteOptions& options = {});

// Snapshots kept in the `snapshots` table of a postgres store's schema (docs/storage-postgres.md);
// creates or migrates the schema like open_postgres().
Result<std::unique_ptr<SnapshotStore>> open_postgres_snapshot_store(
    const std::string& conninfo, const PostgresOptions& options = {});

}  // namespace es
