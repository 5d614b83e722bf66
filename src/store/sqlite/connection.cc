#include "store/sqlite/connection.h"

#include <fmt/format.h>

#include <utility>

namespace es::sqlite {

Status error_status(sqlite3* db, int rc, std::string_view what) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = fmt::format("sqlite: {}: {}", what, detail);
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::unavailable(std::move(message) + " (another writer holds the lock)");
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_FULL:
      return Status::unavailable(std::move(message));
    case SQLITE_CONSTRAINT:
      return Status::already_exists(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::integrity(std::move(message));
    default:
      return Status::internal(std::move(message));
  }
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Status Statement::run(std::string_view what) {
  const int rc = step();
  StatementReset reset(*this);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::ok();
  return error_status(db_, rc, what);
}

Result<Connection> Connection::open(const std::string& path, bool read_only, int busy_timeout_ms,
                                    const char* vfs) {
  sqlite3* raw = nullptr;
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, vfs);
  Connection conn;
  conn.db_.reset(raw);
  if (rc != SQLITE_OK) {
    return error_status(raw, rc, fmt::format("cannot open database file '{}'", path));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  return conn;
}

Status Connection::exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::ok() : error_status(db_.get(), rc, sql.substr(0, 60));
}

Result<Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error_status(db_.get(), rc, fmt::format("prepare '{}'", sql));
  return Statement(db_.get(), stmt);
}

Result<std::int64_t> Connection::query_int(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  const int rc = stmt->step();
  if (rc == SQLITE_ROW) return stmt->column_int(0);
  if (rc == SQLITE_DONE) return std::int64_t{0};
  return error_status(db_.get(), rc, sql);
}

RollbackGuard::~RollbackGuard() {
  if (sqlite3_get_autocommit(db_) != 0) return;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s != nullptr;
       s = sqlite3_next_stmt(db_, s)) {
    if (sqlite3_stmt_busy(s) != 0) sqlite3_reset(s);
  }
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace es::sqlite
