#include "store/postgres/copy_out.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <memory>

namespace es::postgres {
namespace {

struct FreeMem {
  void operator()(char* p) const { PQfreemem(p); }
};

// Reads the statement's results to the end (so the connection is idle again); the first failure.
Status finish_statement(pg_conn* conn, std::string_view what) {
  Status first;
  while (pg_result* raw = PQgetResult(conn)) {
    PgResult r(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && first.is_ok()) {
      first = error_status(conn, raw, what);
    }
  }
  if (first.is_ok() && PQstatus(conn) == CONNECTION_BAD) {
    return error_status(conn, nullptr, what);
  }
  return first;
}

}  // namespace

Status copy_out(Connection& conn, std::string_view select, std::size_t columns,
                const CopyDecoder::RowVisitor& row) {
  pg_conn* pg = conn.get();
  const std::string sql = fmt::format("COPY ({}) TO STDOUT (FORMAT binary)", select);
  const std::string what = "copy '" + std::string(select.substr(0, 60)) + "'";
  if (PQsendQuery(pg, sql.c_str()) != 1) return error_status(pg, nullptr, what);
  {
    PgResult started(PQgetResult(pg));
    if (started.get() == nullptr || PQresultStatus(started.get()) != PGRES_COPY_OUT) {
      Status failed = error_status(pg, started.get(), what);
      (void)finish_statement(pg, what);
      return failed;
    }
  }
  CopyDecoder decoder(columns);
  Status decoded;
  for (;;) {
    char* raw = nullptr;
    const int size = PQgetCopyData(pg, &raw, /*async=*/0);
    if (size < 0) break;  // -1: the COPY is done; -2: an error, which the result reports
    const std::unique_ptr<char, FreeMem> chunk(raw);
    // After a stop or a decoding error the rest is read and dropped.
    if (decoded.is_ok()) decoded = decoder.feed({raw, static_cast<std::size_t>(size)}, row);
  }
  Status finished = finish_statement(pg, what);
  if (!finished.is_ok()) return finished;
  if (!decoded.is_ok()) return decoded;
  return decoder.finish();
}

Result<std::string> quote_literal(Connection& conn, std::string_view value) {
  const std::unique_ptr<char, FreeMem> quoted(
      PQescapeLiteral(conn.get(), value.data(), value.size()));
  if (quoted == nullptr) {
    return Status::invalid_argument(fmt::format("postgres: cannot quote '{}' as a literal: {}",
                                                value, PQerrorMessage(conn.get())));
  }
  return std::string(quoted.get());
}

}  // namespace es::postgres
