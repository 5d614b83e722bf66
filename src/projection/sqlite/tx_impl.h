// The state behind es::Tx: one connection's transaction and its cache of prepared statements,
// reused across batches so a handler's SQL is prepared once per runner.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "es/projection/tx.h"
#include "store/sqlite/connection.h"

namespace es::detail {

class TxImpl {
 public:
  explicit TxImpl(sqlite::Connection& conn) : conn_(conn) {}

  // BEGIN IMMEDIATE: the write lock first, so the checkpoint read and write cannot interleave
  // with another runner's.
  Status begin();
  Status commit();
  void rollback();

  Status run(std::string_view sql, std::span<const SqlValue> values,
             const std::function<void(const Row&)>* row);
  [[nodiscard]] const Status& status() const { return failure_; }

  // Columns of the current row, for Row.
  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] double real(int column) const;
  [[nodiscard]] std::string_view text(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  using StatementPtr = std::unique_ptr<sqlite3_stmt, Finalizer>;

  Result<sqlite3_stmt*> prepare(std::string_view sql);
  Status bind(sqlite3_stmt* stmt, std::span<const SqlValue> values);
  Status fail(Status status);

  sqlite::Connection& conn_;
  std::map<std::string, StatementPtr, std::less<>> cache_;
  std::string_view last_sql_;  // a key of cache_ (map keys do not move) and its statement
  sqlite3_stmt* last_stmt_ = nullptr;
  sqlite3_stmt* current_ = nullptr;  // the statement whose row a Row reads
  Status failure_;
};

}  // namespace es::detail
