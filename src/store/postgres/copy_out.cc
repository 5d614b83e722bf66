#include "store/postgres/copy_out.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>

#include <array>
#include <cerrno>
#include <memory>

namespace es::postgres {
namespace {

// CopyData messages (one a row) read between two looks at what arrived for the COPY being fed:
// its socket buffer holds a few hundred rows before its server has to wait.
constexpr std::size_t kFeedEvery = 64;

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

Result<CopyOut> CopyOut::start(Connection& conn, std::string_view select, std::size_t columns) {
  const std::string sql = fmt::format("COPY ({}) TO STDOUT (FORMAT binary)", select);
  CopyOut out(conn, "copy '" + std::string(select.substr(0, 60)) + "'", columns);
  if (PQsendQuery(conn.get(), sql.c_str()) != 1) {
    return error_status(conn.get(), nullptr, out.what_);
  }
  return out;
}

bool CopyOut::take_arrived() { return PQconsumeInput(conn_->get()) == 1; }

bool CopyOut::wait_and_take(CopyOut* feeding) {
  pg_conn* pg = conn_->get();
  std::array<pollfd, 2> fds{pollfd{.fd = PQsocket(pg), .events = POLLIN, .revents = 0},
                            pollfd{.fd = feeding != nullptr ? PQsocket(feeding->conn_->get()) : -1,
                                   .events = POLLIN,
                                   .revents = 0}};
  for (;;) {
    const int n = ::poll(fds.data(), fds.size(), -1);
    if (n < 0 && errno != EINTR) return false;
    if (n <= 0) continue;
    // A failed feeding connection is left alone: its own read() reports it.
    if (fds[1].revents != 0 && !feeding->take_arrived()) fds[1].fd = -1;
    if (fds[0].revents != 0) return PQconsumeInput(pg) == 1;
  }
}

Status CopyOut::read(const CopyDecoder::RowVisitor& row, CopyOut* feeding) {
  pg_conn* pg = conn_->get();
  while (PQisBusy(pg) == 1) {
    if (!wait_and_take(feeding)) break;
  }
  {
    PgResult started(PQgetResult(pg));
    if (started.get() == nullptr || PQresultStatus(started.get()) != PGRES_COPY_OUT) {
      Status failed = error_status(pg, started.get(), what_);
      (void)finish_statement(pg, what_);
      return failed;
    }
  }
  CopyDecoder decoder(columns_);
  Status decoded;
  for (std::size_t messages = 1;; ++messages) {
    char* raw = nullptr;
    const int size = PQgetCopyData(pg, &raw, /*async=*/1);
    if (size == 0) {
      if (!wait_and_take(feeding)) break;  // the connection failed: the result says why
      continue;
    }
    if (size < 0) break;  // -1: the COPY is done; -2: an error, which the result reports
    const std::unique_ptr<char, FreeMem> chunk(raw);
    // After a stop or a decoding error the rest is read and dropped.
    if (decoded.is_ok()) decoded = decoder.feed({raw, static_cast<std::size_t>(size)}, row);
    if (feeding != nullptr && messages % kFeedEvery == 0) (void)feeding->take_arrived();
  }
  Status finished = finish_statement(pg, what_);
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
