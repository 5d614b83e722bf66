// es::Tx on SQLite: one connection's transaction and its cache of prepared statements, reused
// across batches so a handler's SQL is prepared once per runner.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "projection/tx_impl.h"
#include "store/sqlite/connection.h"

namespace es::sqlite {

class SqliteTx final : public detail::TxImpl {
 public:
  explicit SqliteTx(Connection& conn) : conn_(conn) {}

  [[nodiscard]] bool is_null(int column) const override;
  [[nodiscard]] std::int64_t integer(int column) const override;
  [[nodiscard]] double real(int column) const override;
  [[nodiscard]] std::string_view text(int column) const override;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  using StatementPtr = std::unique_ptr<sqlite3_stmt, Finalizer>;

  // BEGIN IMMEDIATE: the write lock first, so the checkpoint read and write cannot interleave
  // with another runner's.
  Status do_begin() override;
  Status do_commit() override;
  void do_rollback() override;
  Status do_run(std::string_view sql, std::span<const SqlValue> values,
                const std::function<void(const Row&)>* row) override;

  Result<sqlite3_stmt*> prepare(std::string_view sql);
  Status bind(sqlite3_stmt* stmt, std::span<const SqlValue> values);

  Connection& conn_;
  std::map<std::string, StatementPtr, std::less<>> cache_;
  std::string_view last_sql_;  // a key of cache_ (map keys do not move) and its statement
  sqlite3_stmt* last_stmt_ = nullptr;
  sqlite3_stmt* current_ = nullptr;  // the statement whose row a Row reads
};

}  // namespace es::sqlite
