// The decoder of PostgreSQL's binary COPY format (COPY ... TO STDOUT (FORMAT binary); the
// PostgreSQL manual, "COPY", section "Binary Format"): an 11-byte signature, a flags word and a
// header extension, then one tuple per row — a 16-bit field count, and per field a 32-bit length
// (-1 for null) and the field's bytes in the type's binary send format, the same bytes a binary
// query result holds (store/postgres/wire.h decodes them) — and a trailer of field count -1.
//
// libpq hands over the data as it arrived in CopyData messages (PQgetCopyData). The server sends
// one row per message, so a row is decoded in place; a row split across messages is gathered in
// a buffer first. Malformed input (a wrong signature, a row of another width, a length running
// past the data, bytes after the trailer) is kInternal naming the problem.
//
// Thread safety: none; one decoder reads one COPY.
//
//   CopyDecoder decoder(4);
//   ES_RETURN_IF_ERROR(decoder.feed(chunk, [&](std::span<const CopyField> row) { return true; }));
//   ES_RETURN_IF_ERROR(decoder.finish());
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "es/core/result.h"

namespace es::postgres {

struct CopyField {
  std::string_view bytes;  // valid during the row's call
  bool null = false;
};

class CopyDecoder {
 public:
  // Called once per row with its fields; return false to stop decoding.
  using RowVisitor = std::function<bool(std::span<const CopyField> row)>;

  // Every row must have `columns` fields.
  explicit CopyDecoder(std::size_t columns) : fields_(columns) {}

  // Decodes the next piece of the COPY data, calling `row` for each complete row in it. After
  // `row` returned false, the rest of `data` is ignored and so is every later feed().
  Status feed(std::string_view data, const RowVisitor& row);
  // After the last piece: ok when the data ended with the trailer (or decoding was stopped).
  [[nodiscard]] Status finish() const;
  // Rows decoded so far.
  [[nodiscard]] std::size_t rows() const { return rows_; }

 private:
  // Decodes what it can from the front of `data`; `used` is how many bytes were consumed.
  Status decode(std::string_view data, std::size_t& used, const RowVisitor& row);

  std::vector<CopyField> fields_;
  std::string pending_;  // the start of a row split across pieces
  bool header_seen_ = false;
  bool trailer_seen_ = false;
  bool stopped_ = false;
  std::size_t rows_ = 0;
};

}  // namespace es::postgres
