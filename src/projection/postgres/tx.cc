#include "projection/postgres/tx.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>

#include "projection/postgres/placeholders.h"

namespace es::postgres {

Status PostgresTx::do_begin() {
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    cache_.clear();
    ES_RETURN_IF_ERROR(conn_.ensure_healthy());
  }
  return conn_.exec("BEGIN");
}

Status PostgresTx::do_commit() { return conn_.exec("COMMIT"); }

void PostgresTx::do_rollback() {
  if (PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) (void)conn_.exec("ROLLBACK");
}

Result<const PostgresTx::Prepared*> PostgresTx::prepare(std::string_view sql) {
  const std::string key(sql);
  if (auto it = cache_.find(key); it != cache_.end()) return &it->second;
  // Named apart from the connection's own statements (es1, es2 …).
  std::string name = fmt::format("tx{}", cache_.size() + 1);
  const std::string translated = to_dollar_placeholders(sql);
  PgResult prepared(PQprepare(conn_.get(), name.c_str(), translated.c_str(), 0, nullptr));
  if (prepared.get() == nullptr || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    return error_status(conn_.get(), prepared.get(), fmt::format("prepare '{}'", sql));
  }
  PgResult described(PQdescribePrepared(conn_.get(), name.c_str()));
  if (described.get() == nullptr || PQresultStatus(described.get()) != PGRES_COMMAND_OK) {
    return error_status(conn_.get(), described.get(), fmt::format("describe '{}'", sql));
  }
  const int parameters = PQnparams(described.get());
  auto it = cache_.emplace(key, Prepared{std::move(name), parameters}).first;
  return &it->second;
}

Status PostgresTx::do_run(std::string_view sql, std::span<const SqlValue> values,
                          const std::function<void(const Row&)>* row) {
  auto prepared = prepare(sql);
  if (!prepared) return prepared.error();
  const Prepared& p = **prepared;
  if (static_cast<int>(values.size()) != p.parameters) {
    return Status::invalid_argument(
        fmt::format("'{}' takes {} values, {} given", sql, p.parameters, values.size()));
  }
  texts_.resize(values.size());
  values_.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const SqlValue& v = values[i];
    values_[i] = nullptr;
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      texts_[i] = fmt::format("{}", *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      texts_[i] = fmt::format("{}", *d);
    } else if (const auto* s = std::get_if<std::string_view>(&v)) {
      if (s->find('\0') != std::string_view::npos) {
        return Status::invalid_argument(fmt::format(
            "'{}': value {} holds a NUL byte, which PostgreSQL text cannot", sql, i + 1));
      }
      texts_[i].assign(*s);
    } else {
      continue;  // NULL
    }
    values_[i] = texts_[i].c_str();
  }
  const PgResult result(PQexecPrepared(conn_.get(), p.name.c_str(), static_cast<int>(values.size()),
                                       values_.data(), nullptr, nullptr, /*resultFormat=*/0));
  const ExecStatusType status =
      result.get() == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return error_status(conn_.get(), result.get(), sql.substr(0, 60));
  }
  if (row == nullptr) return Status::ok();
  current_ = &result;
  for (current_row_ = 0; current_row_ < result.rows(); ++current_row_) (*row)(current_row());
  current_ = nullptr;
  return Status::ok();
}

bool PostgresTx::is_null(int column) const { return current_->is_null(current_row_, column); }

std::int64_t PostgresTx::integer(int column) const {
  const std::string_view field = text(column);
  if (field == "t") return 1;
  std::int64_t out = 0;
  std::from_chars(field.data(), field.data() + field.size(), out);
  return out;
}

double PostgresTx::real(int column) const {
  // The field is NUL-terminated (libpq guarantees it), so strtod reads it in place.
  return std::strtod(text(column).data(), nullptr);
}

std::string_view PostgresTx::text(int column) const {
  return current_->field(current_row_, column);
}

}  // namespace es::postgres
