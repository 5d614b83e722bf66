// The raw-engine baseline of the sqlite backend (baseline.h): the SQLite C API writing and reading
// the same rows in the same transactions as src/store/sqlite/ does, in a file of its own.
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

#include "baseline.h"
#include "es/core/result.h"
#include "es/store/event.h"

struct sqlite3;
struct sqlite3_stmt;

namespace es::bench {

class SqliteBaseline final : public Baseline {
 public:
  // Creates a fresh database at `path`. A file already there is removed (with its -wal and -shm)
  // only if an earlier baseline made it; any other file is refused with kInvalidArgument.
  static Result<std::unique_ptr<SqliteBaseline>> create(const std::string& path);
  SqliteBaseline(const SqliteBaseline&) = delete;
  SqliteBaseline& operator=(const SqliteBaseline&) = delete;
  // Closes the connections and removes the file.
  ~SqliteBaseline() override;

  Result<std::int64_t> append(std::string_view stream, std::int64_t expected,
                              std::span<const EventData> events) override;
  Status scan_stream(std::string_view stream, const RowVisitor& visit) override;
  Status scan_stream_payload(std::string_view stream, const RowVisitor& visit) override;
  Result<Scan> scan_all(int page) override;
  // As the library's exactly-once runner does it: per `page` rows, the page's SELECT on the read
  // connection (every column touched) and one write transaction holding an UPSERT into w6_items
  // (stream, count, qty) per ItemAdded decoded with the JSON codec, and the checkpoint's UPDATE.
  Result<Projected> project_all(int page) override;
  Result<std::int64_t> event_count() override;
  Result<std::int64_t> stream_version(std::string_view stream) override;
  [[nodiscard]] std::string durability() const override { return "synchronous=FULL"; }

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
