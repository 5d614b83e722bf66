// A streaming read through COPY (SELECT ...) TO STDOUT (FORMAT binary): the rows arrive one
// CopyData message at a time and go straight to the visitor, with no result set held in memory
// and no per-row PGresult, which a large SELECT's result or single-row mode would cost.
//
// The query text is sent whole (COPY takes no parameters), so values in it must already be
// literals (quote_literal below). A visitor that stops makes the rest of the COPY be read
// and dropped, so the connection ends the call idle and ready for the next statement; keep
// each COPY's row count bounded when early stops are common.
//
// Thread safety: as Connection's.
//
//   ES_RETURN_IF_ERROR(copy_out(conn, "SELECT version, data FROM events", 2, on_row));
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "es/core/result.h"
#include "store/postgres/connection.h"
#include "store/postgres/copy_decoder.h"

namespace es::postgres {

// Runs COPY (`select`) TO STDOUT (FORMAT binary) on `conn`, whose `columns` columns each row
// has, calling `row` per row until it returns false. Server errors are error_status()'s.
Status copy_out(Connection& conn, std::string_view select, std::size_t columns,
                const CopyDecoder::RowVisitor& row);

// `value` as an SQL string literal for `conn`'s encoding (PQescapeLiteral); kInvalidArgument
// when libpq refuses it (invalid in the encoding).
Result<std::string> quote_literal(Connection& conn, std::string_view value);

}  // namespace es::postgres
