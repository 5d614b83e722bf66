#include "store/sqlite/schema.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace es::sqlite {
namespace {

// Migration k brings user_version from k to k + 1. Never edit a released entry: append a new one.
constexpr std::array<std::string_view, kSchemaVersion> kMigrations = {
    // 0 -> 1: streams and the event log.
    R"sql(
CREATE TABLE streams (
  stream          TEXT PRIMARY KEY,
  version         INTEGER NOT NULL,
  truncate_before INTEGER NOT NULL DEFAULT 0,
  tombstoned      INTEGER NOT NULL DEFAULT 0,
  tenant          TEXT NOT NULL DEFAULT '',
  max_count       INTEGER,
  max_age_us      INTEGER,
  retention_truncate_before INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE events (
  position       INTEGER PRIMARY KEY,
  id             BLOB NOT NULL,
  stream         TEXT NOT NULL,
  version        INTEGER NOT NULL,
  type           TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  data           BLOB NOT NULL,
  metadata       TEXT NOT NULL,
  tenant         TEXT NOT NULL,
  recorded_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX events_id ON events(id);
CREATE UNIQUE INDEX events_stream_version ON events(stream, version);
)sql",
};

}  // namespace

Status configure_connection(Connection& conn, const SqliteOptions& options) {
  static constexpr std::array<std::string_view, 3> kSync = {"OFF", "NORMAL", "FULL"};
  return conn.exec(fmt::format(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous={}; PRAGMA cache_size=-{}; "
      "PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;",
      kSync[static_cast<std::size_t>(options.synchronous)], options.cache_size_kib));
}

Status check_identity(Connection& conn) {
  auto app_id = conn.query_int("PRAGMA application_id");
  auto tables = app_id ? conn.query_int("SELECT count(*) FROM sqlite_schema") : app_id;
  if (!tables) {
    if ((sqlite3_errcode(conn.get()) & 0xFF) == SQLITE_NOTADB) {
      return Status::invalid_argument(
          "the file is not an eventsource-cpp store (it is not a SQLite database)");
    }
    return tables.error();
  }
  if ((*tables != 0 || *app_id != 0) && *app_id != kApplicationId) {
    return Status::invalid_argument(
        "the database file is not an eventsource-cpp store (it holds other tables)");
  }
  return Status::ok();
}

Status migrate(Connection& conn) {
  ES_RETURN_IF_ERROR(conn.exec("BEGIN IMMEDIATE"));
  auto rollback_on_error = [&](Status status) {
    if (!status.is_ok()) (void)conn.exec("ROLLBACK");
    return status;
  };
  // Checked again under the write lock: another process may have created the file meanwhile.
  ES_RETURN_IF_ERROR(rollback_on_error(check_identity(conn)));
  auto version = conn.query_int("PRAGMA user_version");
  if (!version) return rollback_on_error(version.error());
  if (*version > kSchemaVersion) {
    return rollback_on_error(Status::invalid_argument(fmt::format(
        "the store has schema version {}, newer than this build understands ({})", *version,
        kSchemaVersion)));
  }
  for (auto v = *version; v < kSchemaVersion; ++v) {
    ES_RETURN_IF_ERROR(rollback_on_error(conn.exec(kMigrations[static_cast<std::size_t>(v)])));
  }
  ES_RETURN_IF_ERROR(rollback_on_error(conn.exec(fmt::format(
      "PRAGMA application_id={}; PRAGMA user_version={}", kApplicationId, kSchemaVersion))));
  return rollback_on_error(conn.exec("COMMIT"));
}

}  // namespace es::sqlite
