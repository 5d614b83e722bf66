#include "store/postgres/connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>

namespace es::postgres {
namespace {

bool ok_status(ExecStatusType s) { return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK; }

}  // namespace

void PgResult::Clear::operator()(pg_result* result) const { PQclear(result); }
void Connection::Finish::operator()(pg_conn* conn) const { PQfinish(conn); }

int PgResult::rows() const { return PQntuples(result_.get()); }
bool PgResult::is_null(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
std::string_view PgResult::field(int row, int col) const {
  return {PQgetvalue(result_.get(), row, col),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, col))};
}

Status error_status(pg_conn* conn, const pg_result* result, std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  std::string detail = result != nullptr ? PQresultErrorMessage(result) : "";
  if (detail.empty() && conn != nullptr) detail = PQerrorMessage(conn);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  const std::string message = fmt::format("postgres: {}: {}", what, detail);
  if (sqlstate == "23505") {
    const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
    if (constraint != nullptr && kEventIdConstraint == constraint) {
      return Status::already_exists(message);
    }
  }
  // Class 08: connection exceptions; 53: insufficient resources; 57P: operator intervention;
  // 40001/40P01: serialization failure and deadlock, which a retry resolves.
  if (sqlstate.starts_with("08") || sqlstate.starts_with("53") || sqlstate.starts_with("57P") ||
      sqlstate == "40001" || sqlstate == "40P01" ||
      (conn != nullptr && PQstatus(conn) == CONNECTION_BAD)) {
    return Status::unavailable(message);
  }
  return Status::internal(message);
}

Result<Connection> Connection::open(const std::string& conninfo, std::string_view schema) {
  pg_conn* raw = PQconnectdb(conninfo.c_str());
  Connection conn(raw, std::string(schema));
  if (raw == nullptr) return Status::unavailable("postgres: out of memory opening a connection");
  if (PQstatus(raw) != CONNECTION_OK) {
    return Status::unavailable(
        fmt::format("postgres: cannot connect: {}", std::string_view(PQerrorMessage(raw))));
  }
  // Server notices ("schema already exists, skipping") are not for the application's stderr.
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  ES_RETURN_IF_ERROR(conn.set_up_session());
  return conn;
}

Status Connection::set_up_session() {
  ES_RETURN_IF_ERROR(exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'"));
  if (!settings_.empty()) ES_RETURN_IF_ERROR(exec(settings_));
  Params params;
  const std::string path = quote_identifier(schema_);
  params.text(path);
  auto r = query("SELECT set_config('search_path', $1, false)", params);
  return r ? Status::ok() : r.error();
}

Status Connection::configure(std::string settings) {
  settings_ = std::move(settings);
  return exec(settings_);
}

Status Connection::ensure_healthy() {
  if (PQstatus(conn_.get()) == CONNECTION_OK) return Status::ok();
  PQreset(conn_.get());
  prepared_.clear();
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    return Status::unavailable(fmt::format("postgres: connection lost and reconnect failed: {}",
                                           std::string_view(PQerrorMessage(conn_.get()))));
  }
  return set_up_session();
}

std::string Connection::quote_identifier(std::string_view name) const {
  char* quoted = PQescapeIdentifier(conn_.get(), name.data(), name.size());
  if (quoted == nullptr) return "\"\"";
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

Status Connection::exec(const std::string& sql) {
  PgResult r(PQexec(conn_.get(), sql.c_str()));
  if (r.get() != nullptr && ok_status(PQresultStatus(r.get()))) return Status::ok();
  return error_status(conn_.get(), r.get(), sql.substr(0, 60));
}

Result<std::string> Connection::prepared(const std::string& sql, const Params& params) {
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) return it->second;
  std::string name = fmt::format("es{}", prepared_.size() + 1);
  PgResult r(PQprepare(conn_.get(), name.c_str(), sql.c_str(), params.size(), params.types()));
  if (r.get() == nullptr || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    return error_status(conn_.get(), r.get(), "prepare '" + sql.substr(0, 80) + "'");
  }
  prepared_.emplace(sql, name);
  return name;
}

Result<PgResult> Connection::query(const std::string& sql, Params& params) {
  auto name = prepared(sql, params);
  if (!name) return name.error();
  PgResult r(PQexecPrepared(conn_.get(), name->c_str(), params.size(), params.values(),
                            params.lengths(), params.formats(), /*resultFormat=*/1));
  if (r.get() != nullptr && ok_status(PQresultStatus(r.get()))) return r;
  return error_status(conn_.get(), r.get(), sql.substr(0, 80));
}

Status Pipeline::add(const std::string& sql, Params& params) {
  auto name = conn_.prepared(sql, params);
  if (!name) return name.error();
  entries_.push_back({std::move(*name), sql.substr(0, 80), &params});
  return Status::ok();
}

Status Pipeline::add(const std::string& sql) { return add(sql, no_params_); }

Result<std::vector<PgResult>> Pipeline::run() {
  std::vector<PgResult> results;
  std::size_t failed = 0;
  ES_RETURN_IF_ERROR(run(results, failed));
  return results;
}

Status Pipeline::run(std::vector<PgResult>& results, std::size_t& failed) {
  results.clear();
  failed = 0;
  if (entries_.empty()) return Status::ok();
  pg_conn* conn = conn_.get();
  if (PQenterPipelineMode(conn) != 1) return error_status(conn, nullptr, "enter pipeline mode");
  struct Exit {
    pg_conn* conn;
    ~Exit() { PQexitPipelineMode(conn); }
  } exit{conn};
  for (Entry& e : entries_) {
    if (PQsendQueryPrepared(conn, e.name.c_str(), e.params->size(), e.params->values(),
                            e.params->lengths(), e.params->formats(), /*resultFormat=*/1) != 1) {
      return error_status(conn, nullptr, "send statement");
    }
  }
  if (PQpipelineSync(conn) != 1) return error_status(conn, nullptr, "pipeline sync");
  results.reserve(entries_.size());
  Status first_error;
  // Each statement yields its result then a null; the sync yields PGRES_PIPELINE_SYNC.
  for (;;) {
    PgResult r(PQgetResult(conn));
    if (r.get() == nullptr) {
      if (PQstatus(conn) == CONNECTION_BAD) {
        failed = results.size();
        return error_status(conn, nullptr, "pipeline");
      }
      continue;
    }
    const ExecStatusType s = PQresultStatus(r.get());
    if (s == PGRES_PIPELINE_SYNC) break;
    if (!ok_status(s) && s != PGRES_PIPELINE_ABORTED && first_error.is_ok()) {
      failed = std::min(results.size(), entries_.size() - 1);
      first_error = error_status(conn, r.get(), entries_[failed].what);
    }
    results.push_back(std::move(r));
  }
  entries_.clear();
  return first_error;
}

}  // namespace es::postgres
