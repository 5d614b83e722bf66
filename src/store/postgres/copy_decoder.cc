#include "store/postgres/copy_decoder.h"

#include <fmt/format.h>

#include <cstdint>

namespace es::postgres {
namespace {

// "PGCOPY\n\377\r\n\0": the signature that opens binary COPY data.
constexpr std::string_view kSignature{"PGCOPY\n\377\r\n\0", 11};
// The signature, the flags word and the header extension's length.
constexpr std::size_t kHeaderSize = kSignature.size() + 4 + 4;
// Bit 16 of the flags: OIDs included (never by a SELECT's COPY). Bits 0-15 are reserved as
// format-breaking: a reader must refuse data with any of them set.
constexpr std::uint32_t kCriticalFlags = 0x0001FFFF;

std::uint32_t big_endian(std::string_view data, std::size_t at, std::size_t size) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < size; ++i) v = (v << 8) | static_cast<unsigned char>(data[at + i]);
  return v;
}

Status malformed(std::string_view what) {
  return Status::internal(fmt::format("postgres: malformed binary COPY data: {}", what));
}

}  // namespace

Status CopyDecoder::feed(std::string_view data, const RowVisitor& row) {
  if (stopped_) return Status::ok();
  if (pending_.empty()) {
    std::size_t used = 0;
    ES_RETURN_IF_ERROR(decode(data, used, row));
    if (!stopped_) pending_.assign(data.substr(used));
    return Status::ok();
  }
  pending_.append(data);
  std::size_t used = 0;
  ES_RETURN_IF_ERROR(decode(pending_, used, row));
  pending_.erase(0, stopped_ ? pending_.size() : used);
  return Status::ok();
}

Status CopyDecoder::decode(std::string_view data, std::size_t& used, const RowVisitor& row) {
  std::size_t at = 0;
  if (!header_seen_) {
    if (data.size() < kHeaderSize) return Status::ok();
    if (data.substr(0, kSignature.size()) != kSignature) {
      return malformed("the data does not start with the PGCOPY signature");
    }
    const std::uint32_t flags = big_endian(data, kSignature.size(), 4);
    if ((flags & kCriticalFlags) != 0) {
      return malformed(fmt::format("unsupported header flags {:#x}", flags));
    }
    const std::size_t extension = big_endian(data, kSignature.size() + 4, 4);
    if (data.size() < kHeaderSize + extension) return Status::ok();
    at = kHeaderSize + extension;
    header_seen_ = true;
  }
  while (at < data.size()) {
    if (trailer_seen_) return malformed("data after the trailer");
    if (data.size() - at < 2) break;
    const auto count = static_cast<std::int16_t>(big_endian(data, at, 2));
    if (count == -1) {
      trailer_seen_ = true;
      at += 2;
      continue;
    }
    if (count < 0 || static_cast<std::size_t>(count) != fields_.size()) {
      return malformed(
          fmt::format("row {} has {} fields, expected {}", rows_ + 1, count, fields_.size()));
    }
    std::size_t cursor = at + 2;
    bool complete = true;
    for (CopyField& field : fields_) {
      if (data.size() - cursor < 4) {
        complete = false;
        break;
      }
      const auto length = static_cast<std::int32_t>(big_endian(data, cursor, 4));
      cursor += 4;
      if (length < -1) {
        return malformed(fmt::format("row {} has a field of length {}", rows_ + 1, length));
      }
      field.null = length == -1;
      const std::size_t size = field.null ? 0 : static_cast<std::size_t>(length);
      if (data.size() - cursor < size) {
        complete = false;
        break;
      }
      field.bytes = data.substr(cursor, size);
      cursor += size;
    }
    if (!complete) break;
    at = cursor;
    ++rows_;
    if (!row(fields_)) {
      stopped_ = true;
      break;
    }
  }
  used = at;
  return Status::ok();
}

Status CopyDecoder::finish() const {
  if (stopped_ || (trailer_seen_ && pending_.empty())) return Status::ok();
  if (!header_seen_) return malformed("the data ended before the end of the header");
  if (!trailer_seen_) {
    return malformed(pending_.empty() ? "the data ended without the trailer"
                                      : fmt::format("the data ended inside row {}", rows_ + 1));
  }
  return malformed("data after the trailer");
}

}  // namespace es::postgres
