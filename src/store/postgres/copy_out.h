// A streaming read through COPY (SELECT ...) TO STDOUT (FORMAT binary): the rows arrive one
// CopyData message at a time and go straight to the visitor, with no result set held in memory
// and no per-row PGresult, which a large SELECT's result or single-row mode would cost.
//
// A COPY is started and read in two steps, so that two connections can stream at once: while
// one COPY's rows go to its visitor, the other's server keeps sending, because whatever arrives
// for it is taken into its connection's input buffer (`feeding` below) instead of filling the
// socket until that server waits.
//
// The query text is sent whole (COPY takes no parameters), so values in it must already be
// literals (quote_literal below). A visitor that stops makes the rest of the COPY be read
// and dropped, so the connection ends the call idle and ready for the next statement; keep
// each COPY's row count bounded when early stops are common.
//
// Thread safety: as Connection's.
//
//   auto copy = CopyOut::start(conn, "SELECT version, data FROM events", 2);
//   if (!copy) return copy.error();
//   ES_RETURN_IF_ERROR(copy->read(on_row));
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "es/core/result.h"
#include "store/postgres/connection.h"
#include "store/postgres/copy_decoder.h"

namespace es::postgres {

// One COPY (`select`) TO STDOUT (FORMAT binary) in flight on a connection, each of whose rows has
// `columns` columns. read() must run before the connection is used for anything else.
class CopyOut {
 public:
  // Sends the COPY; its server errors come from read().
  static Result<CopyOut> start(Connection& conn, std::string_view select, std::size_t columns);

  // Calls `row` per row until it returns false, then reads the rest and drops it, so the
  // connection is idle again. While it waits for rows, whatever arrived for `feeding` (may be
  // null; another CopyOut still to be read) is taken in. Server errors are error_status()'s.
  Status read(const CopyDecoder::RowVisitor& row, CopyOut* feeding = nullptr);

 private:
  CopyOut(Connection& conn, std::string what, std::size_t columns)
      : conn_(&conn), what_(std::move(what)), columns_(columns) {}

  // Takes what has arrived on the socket into the input buffer, without waiting; false when the
  // connection failed.
  bool take_arrived();
  // Waits until this connection's socket is readable, taking in what arrives for `feeding`
  // meanwhile; false when the connection failed (its result says why).
  bool wait_and_take(CopyOut* feeding);

  Connection* conn_;
  std::string what_;  // names the statement in errors
  std::size_t columns_;
};

// `value` as an SQL string literal for `conn`'s encoding (PQescapeLiteral); kInvalidArgument
// when libpq refuses it (invalid in the encoding).
Result<std::string> quote_literal(Connection& conn, std::string_view value);

}  // namespace es::postgres
