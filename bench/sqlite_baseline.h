// The raw-engine baseline of the sqlite backend: the SQLite C API writing and reading the same
// rows in the same transactions as src/store/sqlite/ does, without the library, in a file of its
// own. Each workload's figure is reported next to it (BENCHMARKS.md: "the raw engine doing the
// same rows and transactions without the library, in the same process, same run").
//
// Same schema (a copy of the DDL of src/store/sqlite/schema.cc), same PRAGMAs (WAL,
// synchronous=FULL, 64 MiB cache), UUID v7 ids, one write connection and one read connection.
//
// Thread safety: none; one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "es/core/result.h"
#include "es/store/event.h"

struct sqlite3;
struct sqlite3_stmt;

namespace es::bench {

class SqliteBaseline {
 public:
  // Creates a fresh database at `path`. A file already there is removed (with its -wal and -shm)
  // only if an earlier baseline made it; any other file is refused with kInvalidArgument.
  static Result<std::unique_ptr<SqliteBaseline>> create(const std::string& path);
  SqliteBaseline(const SqliteBaseline&) = delete;
  SqliteBaseline& operator=(const SqliteBaseline&) = delete;
  // Closes the connections and removes the file.
  ~SqliteBaseline();

  // One append as the library's writer runs it for a lone caller: BEGIN IMMEDIATE; SELECT the
  // stream row; INSERT each event; UPSERT the stream row; COMMIT. kConflict (and ROLLBACK) when the
  // stream's version is not `expected`. Returns the stream's new version.
  Result<std::int64_t> append(std::string_view stream, std::int64_t expected,
                              std::span<const EventData> events);

  // W3: one SELECT of a stream's rows (the library's columns) in version order, touching every
  // column as W4 does; `visit` gets each row's version and data.
  using RowVisitor = std::function<void(std::int64_t version, std::string_view data)>;
  Status scan_stream(std::string_view stream, const RowVisitor& visit);
  // W3's fold: the same SELECT of only the columns a fold needs (version, type, schema_version,
  // data), as the library reads them for Repository::load.
  Status scan_stream_payload(std::string_view stream, const RowVisitor& visit);

  // W4: every row in position order, `page` rows per SELECT by position > last, touching every
  // column without copying.
  struct Scan {
    std::uint64_t count = 0;
    std::int64_t last_position = 0;
    bool ordered = true;
    std::uint64_t bytes = 0;  // sum of the column lengths, so the reads are not optimised away
  };
  Result<Scan> scan_all(int page);

  // W6: a catch-up projection of every row, as the library's exactly-once runner does it: per
  // `page` rows, the page's SELECT on the read connection (every column touched) and one write
  // transaction holding an UPSERT into w6_items (stream, count, qty) per ItemAdded decoded with
  // the JSON codec, and the checkpoint's UPDATE.
  struct Projected {
    std::uint64_t events = 0;  // rows read
    std::int64_t count = 0;    // sum(count) of w6_items afterwards
  };
  Result<Projected> project_all(int page);

  // For verification: rows in the events table; the version in a stream's row (0 when absent).
  Result<std::int64_t> event_count();
  Result<std::int64_t> stream_version(std::string_view stream);

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  using Db = std::unique_ptr<sqlite3, Closer>;
  using Stmt = std::unique_ptr<sqlite3_stmt, Finalizer>;

  struct StreamColumns;

  explicit SqliteBaseline(std::string path) : path_(std::move(path)) {}
  Status scan(sqlite3_stmt* s, std::string_view stream, StreamColumns columns,
              const RowVisitor& visit);
  Status open();
  Result<Stmt> prepare(sqlite3* db, std::string_view sql);
  Status fail(sqlite3* db, int rc, std::string_view what);

  std::string path_;
  std::uint64_t touched_ = 0;  // column lengths summed by scan_stream, so no read is optimised away
  Db writer_, reader_;
  Stmt begin_, commit_, rollback_, select_stream_, insert_event_, upsert_stream_;
  Stmt read_stream_, read_stream_payload_, read_all_;
};

}  // namespace es::bench
