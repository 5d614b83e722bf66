// The on-disk format of the sqlite backend (docs/storage-sqlite.md) and its migrations.
#pragma once

#include <cstdint>

#include "es/core/status.h"
#include "es/store/sqlite_store.h"
#include "store/sqlite/connection.h"

namespace es::sqlite {

// PRAGMA application_id of every store file: "ESCP".
inline constexpr std::int32_t kApplicationId = 0x45534350;
// PRAGMA user_version after all migrations ran.
inline constexpr std::int64_t kSchemaVersion = 5;

// Per-connection settings: WAL, synchronous, cache size, foreign keys off, temp store in memory.
Status configure_connection(Connection& conn, const SqliteOptions& options);

// Refuses, before anything writes to it (journal mode included), a file that is not a store or
// a fresh database: another application's database, or a file that is not SQLite at all.
Status check_identity(Connection& conn);

// Brings the file to kSchemaVersion, one migration per version inside one IMMEDIATE transaction, so
// several processes opening a new file at once migrate it exactly once. Refuses files of other
// applications and of newer schema versions.
Status migrate(Connection& conn);

// A read-write connection to the store file at `path`: identity checked, configured, migrated.
Result<Connection> open_store_connection(const std::string& path, const SqliteOptions& options);

}  // namespace es::sqlite
