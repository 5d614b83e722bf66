#include <fmt/format.h>

#include "es/projection/tx.h"
#include "projection/sqlite/tx_impl.h"

namespace es {

bool Row::is_null(int column) const { return tx_.is_null(column); }
std::int64_t Row::integer(int column) const { return tx_.integer(column); }
double Row::real(int column) const { return tx_.real(column); }
std::string_view Row::text(int column) const { return tx_.text(column); }

Status Tx::status() const { return impl_.status(); }

Status Tx::run(std::string_view sql, std::span<const SqlValue> values,
               const std::function<void(const Row&)>* row) {
  return impl_.run(sql, values, row);
}

namespace detail {

Status TxImpl::begin() {
  failure_ = Status::ok();
  return conn_.exec("BEGIN IMMEDIATE");
}

Status TxImpl::commit() { return conn_.exec("COMMIT"); }

void TxImpl::rollback() {
  if (!sqlite3_get_autocommit(conn_.get())) (void)conn_.exec("ROLLBACK");
}

Status TxImpl::fail(Status status) {
  if (failure_.is_ok()) failure_ = status;
  return status;
}

Result<sqlite3_stmt*> TxImpl::prepare(std::string_view sql) {
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
    return sqlite::error_status(conn_.get(), rc, fmt::format("prepare '{}'", sql));
  }
  it = cache_.emplace(std::string(sql), std::move(stmt)).first;
  last_sql_ = it->first;
  last_stmt_ = it->second.get();
  return last_stmt_;
}

Status TxImpl::bind(sqlite3_stmt* stmt, std::span<const SqlValue> values) {
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

Status TxImpl::run(std::string_view sql, std::span<const SqlValue> values,
                   const std::function<void(const Row&)>* row) {
  if (!failure_.is_ok()) return failure_;
  auto stmt = prepare(sql);
  if (!stmt) return fail(stmt.error());
  sqlite3_stmt* s = *stmt;
  // No sqlite3_clear_bindings: bind() sets every parameter of each run (it checks the count).
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() { sqlite3_reset(s); }
  } reset{s};
  if (Status bound = bind(s, values); !bound.is_ok()) return fail(std::move(bound));
  current_ = s;
  for (;;) {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return Status::ok();
    if (rc != SQLITE_ROW) return fail(sqlite::error_status(conn_.get(), rc, sql.substr(0, 60)));
    if (row != nullptr) (*row)(Row(*this));
  }
}

bool TxImpl::is_null(int column) const {
  return sqlite3_column_type(current_, column) == SQLITE_NULL;
}
std::int64_t TxImpl::integer(int column) const { return sqlite3_column_int64(current_, column); }
double TxImpl::real(int column) const { return sqlite3_column_double(current_, column); }
std::string_view TxImpl::text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(current_, column));
  return {text == nullptr ? "" : text,
          static_cast<std::size_t>(sqlite3_column_bytes(current_, column))};
}

}  // namespace detail
}  // namespace es
