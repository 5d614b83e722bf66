#include "sqlite_baseline.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

#include "es/core/time.h"
#include "es/core/uuid.h"
#include "es/domain/json_codec.h"
#include "item_cart.h"

namespace es::bench {
namespace {

// PRAGMA application_id of a baseline file ("ESCB"), so a leftover one can be told apart from a
// file someone else owns before it is removed.
constexpr std::int64_t kBaselineApplicationId = 0x45534342;

// A copy of migration 0 -> 1 in src/store/sqlite/schema.cc: keep the two in sync, so that the
// baseline writes into the same tables and indexes as the library.
constexpr std::string_view kSchema = R"sql(
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
)sql";

// The PRAGMAs of es::sqlite::configure_connection with the default SqliteOptions.
constexpr std::string_view kPragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536; "
    "PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;";

constexpr std::string_view kEventColumns =
    "position, id, stream, version, type, schema_version, data, metadata, tenant, recorded_at";

constexpr int kBusyTimeoutMs = 10'000;

void bind_text(sqlite3_stmt* stmt, int index, std::string_view text) {
  sqlite3_bind_text(stmt, index, text.empty() ? "" : text.data(), static_cast<int>(text.size()),
                    SQLITE_STATIC);
}

void bind_blob(sqlite3_stmt* stmt, int index, const void* data, std::size_t size) {
  sqlite3_bind_blob(stmt, index, size == 0 ? "" : data, static_cast<int>(size), SQLITE_STATIC);
}

// Resets a statement when the scope ends.
class Reset {
 public:
  explicit Reset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Reset(const Reset&) = delete;
  Reset& operator=(const Reset&) = delete;
  ~Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

std::uint64_t text_bytes(sqlite3_stmt* stmt, int col) {
  const unsigned char* text = sqlite3_column_text(stmt, col);
  const int n = sqlite3_column_bytes(stmt, col);
  return static_cast<std::uint64_t>(n) + (text != nullptr && n > 0 ? text[0] & 1u : 0u);
}

std::uint64_t blob_bytes(sqlite3_stmt* stmt, int col) {
  const auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(stmt, col));
  const int n = sqlite3_column_bytes(stmt, col);
  return static_cast<std::uint64_t>(n) + (blob != nullptr && n > 0 ? blob[0] & 1u : 0u);
}

// Reads every column of a row of kEventColumns as the library's decoder does, without copying.
std::uint64_t touched_columns(sqlite3_stmt* s) {
  const auto ints = static_cast<std::uint64_t>(
      sqlite3_column_int64(s, 3) + sqlite3_column_int64(s, 5) + sqlite3_column_int64(s, 9));
  return blob_bytes(s, 1) + text_bytes(s, 2) + text_bytes(s, 4) + blob_bytes(s, 6) +
         text_bytes(s, 7) + text_bytes(s, 8) + (ints & 1u);
}

// The application_id of the SQLite file at `path`, or an error when it cannot be read as one.
Result<std::int64_t> application_id(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close_v2);
  if (rc != SQLITE_OK) return Status::invalid_argument("not an SQLite file");
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(raw, "PRAGMA application_id", -1, &stmt, nullptr) != SQLITE_OK) {
    return Status::invalid_argument("not an SQLite file");
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  if (sqlite3_step(stmt) != SQLITE_ROW) return Status::invalid_argument("not an SQLite file");
  return sqlite3_column_int64(stmt, 0);
}

void remove_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
}

}  // namespace

void SqliteBaseline::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void SqliteBaseline::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

Result<std::unique_ptr<SqliteBaseline>> SqliteBaseline::create(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    auto id = application_id(path);
    if (!id || *id != kBaselineApplicationId) {
      return Status::invalid_argument(fmt::format(
          "the baseline file '{}' exists and was not made by a benchmark run: remove it or "
          "benchmark a store at another path",
          path));
    }
  }
  remove_files(path);
  std::unique_ptr<SqliteBaseline> baseline(new SqliteBaseline(path));
  ES_RETURN_IF_ERROR(baseline->open());
  return baseline;
}

SqliteBaseline::~SqliteBaseline() {
  begin_.reset();
  commit_.reset();
  rollback_.reset();
  select_stream_.reset();
  insert_event_.reset();
  upsert_stream_.reset();
  read_stream_.reset();
  read_stream_payload_.reset();
  read_all_.reset();
  reader_.reset();
  writer_.reset();
  remove_files(path_);
}

Status SqliteBaseline::fail(sqlite3* db, int rc, std::string_view what) {
  return Status::internal(
      fmt::format("baseline sqlite: {}: {} ({})", what, sqlite3_errmsg(db), rc));
}

Result<SqliteBaseline::Stmt> SqliteBaseline::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return fail(db, rc, fmt::format("prepare '{}'", sql));
  return Stmt(stmt);
}

Status SqliteBaseline::open() {
  auto open_db = [&](int flags, Db& out) -> Status {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path_.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    out.reset(raw);
    if (rc != SQLITE_OK) return fail(raw, rc, "open " + path_);
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    return Status::ok();
  };
  auto exec = [&](sqlite3* db, std::string_view sql) -> Status {
    const std::string text(sql);
    const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::ok() : fail(db, rc, sql.substr(0, 60));
  };
  ES_RETURN_IF_ERROR(open_db(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, writer_));
  ES_RETURN_IF_ERROR(exec(writer_.get(), kPragmas));
  ES_RETURN_IF_ERROR(exec(writer_.get(), "BEGIN IMMEDIATE"));
  ES_RETURN_IF_ERROR(exec(writer_.get(), kSchema));
  ES_RETURN_IF_ERROR(
      exec(writer_.get(), fmt::format("PRAGMA application_id={}", kBaselineApplicationId)));
  ES_RETURN_IF_ERROR(exec(writer_.get(), "COMMIT"));
  ES_RETURN_IF_ERROR(open_db(SQLITE_OPEN_READONLY, reader_));
  ES_RETURN_IF_ERROR(exec(reader_.get(), "PRAGMA cache_size=-65536"));

  struct Entry {
    Stmt* stmt;
    sqlite3* db;
    std::string sql;
  };
  const Entry entries[] = {
      {&begin_, writer_.get(), "BEGIN IMMEDIATE"},
      {&commit_, writer_.get(), "COMMIT"},
      {&rollback_, writer_.get(), "ROLLBACK"},
      {&select_stream_, writer_.get(),
       "SELECT version, truncate_before, tombstoned, tenant FROM streams WHERE stream = ?1"},
      {&insert_event_, writer_.get(),
       "INSERT INTO events (id, stream, version, type, schema_version, data, metadata, tenant, "
       "recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
      {&upsert_stream_, writer_.get(),
       "INSERT INTO streams (stream, version, tenant, created_at, updated_at) "
       "VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (stream) DO UPDATE SET "
       "version = excluded.version, updated_at = excluded.updated_at"},
      {&read_stream_, reader_.get(),
       fmt::format("SELECT {} FROM events WHERE stream = ?1 ORDER BY version", kEventColumns)},
      {&read_stream_payload_, reader_.get(),
       "SELECT version, type, schema_version, data FROM events WHERE stream = ?1 "
       "ORDER BY version"},
      {&read_all_, reader_.get(),
       fmt::format("SELECT {} FROM events WHERE position > ?1 ORDER BY position LIMIT ?2",
                   kEventColumns)},
  };
  for (const Entry& e : entries) {
    auto stmt = prepare(e.db, e.sql);
    if (!stmt) return stmt.error();
    *e.stmt = std::move(*stmt);
  }
  return Status::ok();
}

Result<std::int64_t> SqliteBaseline::append(std::string_view stream, std::int64_t expected,
                                            std::span<const EventData> events) {
  sqlite3* db = writer_.get();
  auto run = [&](sqlite3_stmt* stmt, std::string_view what) -> Status {
    Reset reset(stmt);
    const int rc = sqlite3_step(stmt);
    return rc == SQLITE_DONE ? Status::ok() : fail(db, rc, what);
  };
  auto rollback = [&](Status status) {
    (void)run(rollback_.get(), "rollback");
    return status;
  };
  ES_RETURN_IF_ERROR(run(begin_.get(), "begin"));
  const std::int64_t recorded_at = to_unix_micros(now());
  std::int64_t version = 0;
  std::string tenant;
  {
    sqlite3_stmt* s = select_stream_.get();
    Reset reset(s);
    bind_text(s, 1, stream);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      version = sqlite3_column_int64(s, 0);
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
      tenant.assign(text == nullptr ? "" : text,
                    static_cast<std::size_t>(sqlite3_column_bytes(s, 3)));
    } else if (rc != SQLITE_DONE) {
      return rollback(fail(db, rc, "select stream"));
    }
  }
  if (version != expected) {
    return rollback(Status::conflict({std::string(stream), std::to_string(expected), version}));
  }
  sqlite3_stmt* ins = insert_event_.get();
  for (const EventData& event : events) {
    const Uuid id = Uuid::v7();
    Reset reset(ins);
    bind_blob(ins, 1, id.bytes().data(), id.bytes().size());
    bind_text(ins, 2, stream);
    sqlite3_bind_int64(ins, 3, ++version);
    bind_text(ins, 4, event.type);
    sqlite3_bind_int64(ins, 5, event.schema_version);
    bind_blob(ins, 6, event.data.data(), event.data.size());
    bind_text(ins, 7, event.metadata);
    bind_text(ins, 8, tenant);
    sqlite3_bind_int64(ins, 9, recorded_at);
    const int rc = sqlite3_step(ins);
    if (rc != SQLITE_DONE) return rollback(fail(db, rc, "insert event"));
  }
  {
    sqlite3_stmt* up = upsert_stream_.get();
    Reset reset(up);
    bind_text(up, 1, stream);
    sqlite3_bind_int64(up, 2, version);
    bind_text(up, 3, tenant);
    sqlite3_bind_int64(up, 4, recorded_at);
    const int rc = sqlite3_step(up);
    if (rc != SQLITE_DONE) return rollback(fail(db, rc, "upsert stream"));
  }
  const Status committed = run(commit_.get(), "commit");
  if (!committed.is_ok()) return rollback(committed);
  return version;
}

// The columns one stream scan reads: where version and data are, and which to touch.
struct SqliteBaseline::StreamColumns {
  int version;
  int data;
  std::uint64_t (*touch)(sqlite3_stmt*);
};

Status SqliteBaseline::scan(sqlite3_stmt* s, std::string_view stream, StreamColumns columns,
                            const RowVisitor& visit) {
  Reset reset(s);
  bind_text(s, 1, stream);
  for (;;) {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return Status::ok();
    if (rc != SQLITE_ROW) return fail(reader_.get(), rc, "read stream");
    touched_ += columns.touch(s);
    const auto* data = static_cast<const char*>(sqlite3_column_blob(s, columns.data));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s, columns.data));
    visit(sqlite3_column_int64(s, columns.version),
          std::string_view(data == nullptr ? "" : data, size));
  }
}

Status SqliteBaseline::scan_stream(std::string_view stream, const RowVisitor& visit) {
  return scan(read_stream_.get(), stream, {3, 6, touched_columns}, visit);
}

Status SqliteBaseline::scan_stream_payload(std::string_view stream, const RowVisitor& visit) {
  // Touches type and schema_version, which the library's fold reads too.
  auto touch = [](sqlite3_stmt* s) {
    return text_bytes(s, 1) + static_cast<std::uint64_t>(sqlite3_column_int64(s, 2) & 1);
  };
  return scan(read_stream_payload_.get(), stream, {0, 3, touch}, visit);
}

Result<SqliteBaseline::Scan> SqliteBaseline::scan_all(int page) {
  sqlite3_stmt* s = read_all_.get();
  Scan scan;
  std::int64_t last_position = 0;
  for (;;) {
    Reset reset(s);
    sqlite3_bind_int64(s, 1, last_position);
    sqlite3_bind_int64(s, 2, page);
    int rows = 0;
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return fail(reader_.get(), rc, "read all");
      const std::int64_t position = sqlite3_column_int64(s, 0);
      scan.ordered = scan.ordered && position > last_position;
      last_position = position;
      scan.bytes += touched_columns(s);
      ++rows;
    }
    scan.count += static_cast<std::uint64_t>(rows);
    if (rows < page) return scan;
  }
}

Result<SqliteBaseline::Projected> SqliteBaseline::project_all(int page) {
  sqlite3* db = writer_.get();
  for (std::string_view ddl :
       {"CREATE TABLE IF NOT EXISTS w6_items (stream TEXT PRIMARY KEY, count INTEGER NOT NULL, "
        "qty INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS w6_checkpoint (name TEXT PRIMARY KEY, position INTEGER)",
        "DELETE FROM w6_items", "INSERT OR REPLACE INTO w6_checkpoint VALUES ('w6', 0)"}) {
    const std::string text(ddl);
    const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return fail(db, rc, ddl.substr(0, 40));
  }
  // Read as the library does: on a read connection of its own, outside the write transaction.
  auto read =
      prepare(reader_.get(), fmt::format("SELECT {} FROM events WHERE position > ?1 ORDER BY "
                                         "position LIMIT ?2",
                                         kEventColumns));
  auto upsert = prepare(db,
                        "INSERT INTO w6_items (stream, count, qty) VALUES (?1, 1, ?2) ON CONFLICT "
                        "(stream) DO UPDATE SET count = count + 1, qty = qty + excluded.qty");
  auto save = prepare(db, "UPDATE w6_checkpoint SET position = ?1 WHERE name = 'w6'");
  auto total = prepare(db, "SELECT sum(count) FROM w6_items");
  for (auto* stmt : {&read, &upsert, &save, &total}) {
    if (!*stmt) return stmt->error();
  }
  Projected out;
  std::int64_t last = 0;
  ItemAdded item;
  for (int rows = page; rows == page;) {
    rows = 0;
    {
      Reset reset_begin(begin_.get());
      if (const int rc = sqlite3_step(begin_.get()); rc != SQLITE_DONE)
        return fail(db, rc, "begin");
    }
    Reset reset_read(read->get());
    sqlite3_bind_int64(read->get(), 1, last);
    sqlite3_bind_int64(read->get(), 2, page);
    for (int rc = sqlite3_step(read->get()); rc != SQLITE_DONE; rc = sqlite3_step(read->get())) {
      if (rc != SQLITE_ROW) return fail(reader_.get(), rc, "project: read");
      sqlite3_stmt* s = read->get();
      last = sqlite3_column_int64(s, 0);
      touched_ += touched_columns(s);
      ++rows;
      const auto* type = reinterpret_cast<const char*>(sqlite3_column_text(s, 4));
      if (std::string_view(type) != "ItemAdded") continue;
      const std::string_view data(static_cast<const char*>(sqlite3_column_blob(s, 6)),
                                  static_cast<std::size_t>(sqlite3_column_bytes(s, 6)));
      ES_RETURN_IF_ERROR(json_decode(data, item));
      Reset reset_upsert(upsert->get());
      bind_text(upsert->get(), 1,
                {reinterpret_cast<const char*>(sqlite3_column_text(s, 2)),
                 static_cast<std::size_t>(sqlite3_column_bytes(s, 2))});
      sqlite3_bind_int64(upsert->get(), 2, item.qty);
      if (const int u = sqlite3_step(upsert->get()); u != SQLITE_DONE) {
        return fail(db, u, "project: upsert");
      }
    }
    Reset reset_save(save->get());
    sqlite3_bind_int64(save->get(), 1, last);
    if (const int rc = sqlite3_step(save->get()); rc != SQLITE_DONE) return fail(db, rc, "save");
    Reset reset_commit(commit_.get());
    if (const int rc = sqlite3_step(commit_.get()); rc != SQLITE_DONE)
      return fail(db, rc, "commit");
    out.events += static_cast<std::uint64_t>(rows);
  }
  if (const int rc = sqlite3_step(total->get()); rc != SQLITE_ROW) return fail(db, rc, "total");
  out.count = sqlite3_column_int64(total->get(), 0);
  return out;
}

Result<std::int64_t> SqliteBaseline::event_count() {
  auto stmt = prepare(reader_.get(), "SELECT count(*) FROM events");
  if (!stmt) return stmt.error();
  const int rc = sqlite3_step(stmt->get());
  if (rc != SQLITE_ROW) return fail(reader_.get(), rc, "count events");
  return sqlite3_column_int64(stmt->get(), 0);
}

Result<std::int64_t> SqliteBaseline::stream_version(std::string_view stream) {
  auto stmt = prepare(reader_.get(), "SELECT version FROM streams WHERE stream = ?1");
  if (!stmt) return stmt.error();
  bind_text(stmt->get(), 1, stream);
  const int rc = sqlite3_step(stmt->get());
  if (rc == SQLITE_DONE) return std::int64_t{0};
  if (rc != SQLITE_ROW) return fail(reader_.get(), rc, "stream version");
  return sqlite3_column_int64(stmt->get(), 0);
}

}  // namespace es::bench
