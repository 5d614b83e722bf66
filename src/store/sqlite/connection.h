// RAII over the SQLite C API: a connection, prepared statements, and the mapping of SQLite result
// codes to Status. Internal to the sqlite backend; <sqlite3.h> never reaches a public header.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "es/core/result.h"

namespace es::sqlite {

// The Status for SQLite result code `rc` while doing `what` on `db`.
Status error_status(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binding is 1-based like SQLite's; text and blobs are copied by SQLite only when asked to, so
  // the bound data must stay alive until the statement is reset.
  void bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  // An empty value binds as '' (not NULL, which a null data pointer would give).
  void bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.empty() ? "" : text.data(), static_cast<int>(text.size()),
                      SQLITE_STATIC);
  }
  void bind_blob(int index, const void* data, std::size_t size) {
    sqlite3_bind_blob(stmt_, index, size == 0 ? "" : data, static_cast<int>(size), SQLITE_STATIC);
  }
  void bind_null(int index) { sqlite3_bind_null(stmt_, index); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  // Resets for the next execution and clears bindings.
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  // Runs a statement that returns no rows; resets it afterwards.
  Status run(std::string_view what);

  [[nodiscard]] std::int64_t column_int(int col) const { return sqlite3_column_int64(stmt_, col); }
  [[nodiscard]] bool column_is_null(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }
  // Inline: they run once per column of every row a scan reads.
  [[nodiscard]] std::string_view column_text(int col) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return {text == nullptr ? "" : text,
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
  }
  [[nodiscard]] std::string_view column_blob(int col) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return {data == nullptr ? "" : data,
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
  }

  [[nodiscard]] sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when the scope ends, whatever path leaves it.
class StatementReset {
 public:
  explicit StatementReset(Statement& stmt) : stmt_(stmt) {}
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;
  ~StatementReset() { stmt_.reset(); }

 private:
  Statement& stmt_;
};

// Ends the transaction still open on `db` when the scope ends, on the paths that leave it without
// its COMMIT (an error returned, an exception thrown): statements still stepping are reset and
// the transaction rolled back, so a connection never goes back to its owner or pool inside one.
// After a COMMIT it does nothing.
class RollbackGuard {
 public:
  explicit RollbackGuard(sqlite3* db) : db_(db) {}
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;
  ~RollbackGuard();

 private:
  sqlite3* db_;
};

class Connection {
 public:
  // Opens `path` read-write (creating it) or read-only, through the VFS named `vfs` (nullptr:
  // SQLite's default).
  static Result<Connection> open(const std::string& path, bool read_only, int busy_timeout_ms,
                                 const char* vfs = nullptr);

  Connection() = default;
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // Runs one or more statements without results.
  Status exec(std::string_view sql);
  // BEGIN IMMEDIATE, taking turns at the write lock with the file's other writers
  // (store/sqlite/write_turn.h); waits at most the busy timeout, then fails with kUnavailable.
  Status begin_write();
  Result<Statement> prepare(std::string_view sql);
  // Runs a statement whose first column of the first row is an integer.
  Result<std::int64_t> query_int(std::string_view sql);

  [[nodiscard]] sqlite3* get() const { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  // The busy handler's state, at an address that moves of the connection keep; declared first,
  // so the handle (whose close may still wait for a lock) goes before it.
  struct Busy;
  struct BusyDeleter {
    void operator()(Busy* busy) const;
  };
  static int on_busy(void* busy, int tries);

  // Runs BEGIN IMMEDIATE, prepared once: it starts every write transaction.
  Status begin_immediate();

  std::unique_ptr<Busy, BusyDeleter> busy_;
  std::unique_ptr<sqlite3, Closer> db_;
  Statement begin_;  // finalized before db_ closes
};

}  // namespace es::sqlite
