#include "store/sqlite/connection.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "store/sqlite/write_turn.h"

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

struct Connection::Busy {
  std::string path;
  std::chrono::milliseconds timeout;
  std::unique_ptr<WriteTurn> turn;  // opened by the first begin_write()
  bool turn_opened = false;
  bool no_wait = false;  // begin_write's first try: fail at once, then queue
  std::optional<std::chrono::steady_clock::time_point> begin_deadline;  // within begin_write()
  std::chrono::steady_clock::time_point wait_until;                     // of the current wait
  // Since when this connection has begun write transactions while others waited.
  std::chrono::steady_clock::time_point streak_start;
};

namespace {

// How long a connection that keeps committing may go on while others wait before it queues
// behind them: long enough for a group commit to gather, short against the busy timeout.
constexpr std::chrono::milliseconds kMaxStreak{2};
// How long a writer waits for the turn before it tries for the lock without it: far above the
// longest wait measured with 8 writer processes (200 ms).
constexpr std::chrono::milliseconds kTurnWait{1000};

}  // namespace

void Connection::BusyDeleter::operator()(Busy* busy) const { delete busy; }

// Pauses of 50 µs growing to 500 µs: SQLite's own handler sleeps up to 100 ms between tries,
// long enough for a writer that commits in a loop to take the lock back every time.
int Connection::on_busy(void* state, int tries) {
  auto& busy = *static_cast<Busy*>(state);
  if (busy.no_wait) return 0;
  const auto now = std::chrono::steady_clock::now();
  if (tries == 0) busy.wait_until = busy.begin_deadline.value_or(now + busy.timeout);
  if (now >= busy.wait_until) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(std::min(50 << std::min(tries, 4), 500)));
  return 1;
}

Result<Connection> Connection::open(const std::string& path, bool read_only, int busy_timeout_ms,
                                    const char* vfs) {
  sqlite3* raw = nullptr;
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, vfs);
  Connection conn;
  conn.busy_.reset(new Busy{.path = path, .timeout = std::chrono::milliseconds(busy_timeout_ms)});
  conn.db_.reset(raw);
  if (rc != SQLITE_OK) {
    return error_status(raw, rc, fmt::format("cannot open database file '{}'", path));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_handler(raw, &Connection::on_busy, conn.busy_.get());
  return conn;
}

Status Connection::begin_write() {
  Busy& busy = *busy_;
  if (!busy.turn_opened) {
    busy.turn = WriteTurn::open(busy.path);
    busy.turn_opened = true;
  }
  if (!busy.turn) return begin_immediate();
  const auto now = std::chrono::steady_clock::now();
  const auto deadline = now + busy.timeout;
  const bool others = busy.turn->others_waiting();
  if (!others) busy.streak_start = now;
  if (!others || now - busy.streak_start < kMaxStreak) {
    busy.no_wait = true;
    Status begun = begin_immediate();
    busy.no_wait = false;
    if (begun.code() != StatusCode::kUnavailable) return begun;
  }
  // The turn normally comes within a few commits of others; one that does not (its holder was
  // stopped) must not keep this writer from a free lock: it then tries for the lock as it is.
  (void)busy.turn->enter(std::min(deadline, std::chrono::steady_clock::now() + kTurnWait));
  busy.begin_deadline = deadline;
  Status begun = begin_immediate();
  busy.begin_deadline.reset();
  busy.turn->leave();
  busy.streak_start = std::chrono::steady_clock::now();
  return begun;
}

Status Connection::begin_immediate() {
  if (begin_.db() == nullptr) {
    auto stmt = prepare("BEGIN IMMEDIATE");
    if (!stmt) return stmt.error();
    begin_ = std::move(*stmt);
  }
  return begin_.run("BEGIN IMMEDIATE");
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
