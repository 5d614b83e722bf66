#include <fmt/format.h>

#include "projection/sqlite/tx_impl.h"

namespace es::sqlite {

Status SqliteTx::do_begin() { return conn_.begin_write(); }

Status SqliteTx::do_commit() { return conn_.exec("COMMIT"); }

void SqliteTx::do_rollback() {
  if (!sqlite3_get_autocommit(conn_.get())) (void)conn_.exec("ROLLBACK");
}

Result<sqlite3_stmt*> SqliteTx::prepare(std::string_view sql) {
  // A handler usually runs the same statement event after event: one comparison, no lookup.
  if (sql == last_sql_) return last_stmt_;
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    last_sql_ = it->first;
    last_stmt_ = it->second.get();
    return last_stmt_;
  }
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(conn_.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  StatementPtr stmt(raw);
  if (rc != SQLITE_OK) {
    return error_status(conn_.get(), rc, fmt::format("prepare '{}'", sql));
  }
  it = cache_.emplace(std::string(sql), std::move(stmt)).first;
  last_sql_ = it->first;
  last_stmt_ = it->second.get();
  return last_stmt_;
}

Status SqliteTx::bind(sqlite3_stmt* stmt, std::span<const SqlValue> values) {
  if (static_cast<int>(values.size()) != sqlite3_bind_parameter_count(stmt)) {
    return Status::invalid_argument(fmt::format("'{}' takes {} values, {} given", sqlite3_sql(stmt),
                                                sqlite3_bind_parameter_count(stmt), values.size()));
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const SqlValue& v = values[i];
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      sqlite3_bind_int64(stmt, index, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      sqlite3_bind_double(stmt, index, *d);
    } else if (const auto* s = std::get_if<std::string_view>(&v)) {
      // '' rather than NULL for an empty string, as the store binds text.
      sqlite3_bind_text(stmt, index, s->empty() ? "" : s->data(), static_cast<int>(s->size()),
                        SQLITE_STATIC);
    } else {
      sqlite3_bind_null(stmt, index);
    }
  }
  return Status::ok();
}

Status SqliteTx::do_run(std::string_view sql, std::span<const SqlValue> values,
                        const std::function<void(const Row&)>* row) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  sqlite3_stmt* s = *stmt;
  // No sqlite3_clear_bindings: bind() sets every parameter of each run (it checks the count).
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() { sqlite3_reset(s); }
  } reset{s};
  ES_RETURN_IF_ERROR(bind(s, values));
  current_ = s;
  for (;;) {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return Status::ok();
    if (rc != SQLITE_ROW) return error_status(conn_.get(), rc, sql.substr(0, 60));
    if (row != nullptr) (*row)(current_row());
  }
}

bool SqliteTx::is_null(int column) const {
  return sqlite3_column_type(current_, column) == SQLITE_NULL;
}
std::int64_t SqliteTx::integer(int column) const { return sqlite3_column_int64(current_, column); }
double SqliteTx::real(int column) const { return sqlite3_column_double(current_, column); }
std::string_view SqliteTx::text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(current_, column));
  return {text == nullptr ? "" : text,
          static_cast<std::size_t>(sqlite3_column_bytes(current_, column))};
}

}  // namespace es::sqlite
