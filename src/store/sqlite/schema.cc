#include "store/sqlite/schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string_view>
#include <thread>

#include "store/sqlite/chain.h"
#include "store/sqlite/wal_write_buffer.h"

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
    // 1 -> 2: the newest snapshot of each aggregate stream.
    R"sql(
CREATE TABLE snapshots (
  stream         TEXT PRIMARY KEY,
  version        INTEGER NOT NULL,
  type           TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  data           BLOB NOT NULL,
  recorded_at    INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 2 -> 3: the checkpoint of each named subscription (es/projection/checkpoint_store.h).
    R"sql(
CREATE TABLE checkpoints (
  name       TEXT PRIMARY KEY,
  position   TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 3 -> 4: events parked by subscriptions (es/projection/dead_letter_store.h). A rowid table:
    // rows are parked in position order, so rowid order is position order per subscription.
    R"sql(
CREATE TABLE dead_letters (
  id           INTEGER PRIMARY KEY,
  subscription TEXT NOT NULL,
  position     TEXT NOT NULL,
  stream       TEXT NOT NULL,
  version      INTEGER NOT NULL,
  event_id     TEXT NOT NULL,
  type         TEXT NOT NULL,
  error        TEXT NOT NULL,
  attempts     INTEGER NOT NULL,
  redeliver    INTEGER NOT NULL DEFAULT 0,
  parked_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX dead_letters_subscription_position ON dead_letters(subscription, position);
)sql",
    // 4 -> 5: the hash chain (docs/security.md): each event's hash and each stream's head hash,
    // computed for the existing events by backfill_chain() in the same transaction.
    R"sql(
ALTER TABLE events ADD COLUMN hash BLOB;
ALTER TABLE streams ADD COLUMN last_hash BLOB;
)sql",
};

// The schema version whose migration needs the chain computed for the events already stored.
constexpr std::int64_t kChainVersion = 5;

}  // namespace

namespace {

// Switches the file to WAL once. The switch needs an exclusive lock and SQLite does not call the
// busy handler for it, so while another process holds a lock it is retried here, with backoff,
// for up to busy_timeout_ms.
Status enable_wal(Connection& conn, int busy_timeout_ms) {
  auto mode = conn.prepare("PRAGMA journal_mode");
  if (!mode) return mode.error();
  if (mode->step() == SQLITE_ROW && mode->column_text(0) == "wal") return Status::ok();
  mode->reset();
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  auto pause = std::chrono::microseconds(500);
  for (;;) {
    Status status = conn.exec("PRAGMA journal_mode=WAL");
    if (status.code() != StatusCode::kUnavailable || std::chrono::steady_clock::now() > deadline) {
      return status;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20'000));
  }
}

}  // namespace

Status configure_connection(Connection& conn, const SqliteOptions& options) {
  static constexpr std::array<std::string_view, 3> kSync = {"OFF", "NORMAL", "FULL"};
  ES_RETURN_IF_ERROR(enable_wal(conn, options.busy_timeout_ms));
  return conn.exec(
      fmt::format("PRAGMA synchronous={}; PRAGMA cache_size=-{}; PRAGMA temp_store=MEMORY; "
                  "PRAGMA foreign_keys=OFF;",
                  kSync[static_cast<std::size_t>(options.synchronous)], options.cache_size_kib));
}

Status check_identity(Connection& conn) {
  // One statement, so both values come from one snapshot even while another process migrates.
  auto stmt = conn.prepare(
      "SELECT application_id, (SELECT count(*) FROM sqlite_schema) FROM pragma_application_id");
  const int rc = stmt ? stmt->step() : SQLITE_ERROR;
  if (rc != SQLITE_ROW) {
    if ((sqlite3_errcode(conn.get()) & 0xFF) == SQLITE_NOTADB) {
      return Status::invalid_argument(
          "the file is not an eventsource-cpp store (it is not a SQLite database)");
    }
    return stmt ? error_status(conn.get(), rc, "read the file's identity") : stmt.error();
  }
  const std::int64_t app_id = stmt->column_int(0);
  const std::int64_t tables = stmt->column_int(1);
  if ((tables != 0 || app_id != 0) && app_id != kApplicationId) {
    return Status::invalid_argument(
        "the database file is not an eventsource-cpp store (it holds other tables)");
  }
  return Status::ok();
}

Status migrate(Connection& conn) {
  // Opening a store already at this version takes no write lock, so opens and writers of other
  // processes do not queue behind each other.
  auto current =
      conn.query_int(fmt::format("SELECT user_version = {} AND application_id = {} "
                                 "FROM pragma_user_version, pragma_application_id",
                                 kSchemaVersion, kApplicationId));
  if (current && *current == 1) return Status::ok();
  ES_RETURN_IF_ERROR(conn.begin_write());
  const RollbackGuard guard(conn.get());
  // Checked again under the write lock: another process may have created the file meanwhile.
  ES_RETURN_IF_ERROR(check_identity(conn));
  auto version = conn.query_int("PRAGMA user_version");
  if (!version) return version.error();
  if (*version > kSchemaVersion) {
    return Status::invalid_argument(
        fmt::format("the store has schema version {}, newer than this build understands ({})",
                    *version, kSchemaVersion));
  }
  for (auto v = *version; v < kSchemaVersion; ++v) {
    ES_RETURN_IF_ERROR(conn.exec(kMigrations[static_cast<std::size_t>(v)]));
    if (v + 1 == kChainVersion) ES_RETURN_IF_ERROR(backfill_chain(conn));
  }
  ES_RETURN_IF_ERROR(conn.exec(fmt::format("PRAGMA application_id={}; PRAGMA user_version={}",
                                           kApplicationId, kSchemaVersion)));
  return conn.exec("COMMIT");
}

Result<Connection> open_store_connection(const std::string& path, const SqliteOptions& options) {
  // Under FULL every commit syncs the WAL, so its writes can wait for that sync in one buffer.
  const bool full = options.synchronous == SqliteOptions::Synchronous::kFull;
  auto conn = Connection::open(path, /*read_only=*/false, options.busy_timeout_ms,
                               full ? wal_write_buffer_vfs() : nullptr);
  if (!conn) return conn.error();
  ES_RETURN_IF_ERROR(check_identity(*conn));
  ES_RETURN_IF_ERROR(configure_connection(*conn, options));
  ES_RETURN_IF_ERROR(migrate(*conn));
  return conn;
}

}  // namespace es::sqlite
