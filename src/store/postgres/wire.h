// The binary wire format of the PostgreSQL types the store uses: parameters are sent and results
// read in binary, which spares hex-encoding bytea and parsing numbers. Params owns the encoded
// values of one statement; the read_* functions decode one result field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "es/core/position.h"
#include "es/core/time.h"
#include "es/core/uuid.h"

namespace es::postgres {

// Type OIDs from PostgreSQL's pg_type.dat, stable across versions.
enum class Oid : unsigned int {
  kBool = 16,
  kBytea = 17,
  kInt8 = 20,
  kInt4 = 23,
  kText = 25,
  kTimestamptz = 1184,
  kUuid = 2950,
  kXid8 = 5069,
};

class Params {
 public:
  // Text and bytea values are referenced, not copied: they must outlive the statement.
  Params& text(std::string_view value);
  Params& bytea(std::string_view value);
  Params& int8(std::int64_t value);
  Params& int4(std::int32_t value);
  Params& boolean(bool value);
  Params& uuid(const Uuid& value);
  Params& timestamptz(Timestamp value);
  // +infinity / -infinity: a bound that lets every time through.
  Params& timestamptz_infinity(bool positive);
  Params& xid8(std::uint64_t value);
  Params& null(Oid type);
  // The position as (xid8, bigint): two parameters.
  Params& position(Position value);

  [[nodiscard]] int size() const { return static_cast<int>(types_.size()); }
  [[nodiscard]] const unsigned int* types() const { return types_.data(); }
  [[nodiscard]] const int* lengths() const { return lengths_.data(); }
  [[nodiscard]] const int* formats() const { return formats_.data(); }
  // Pointers into owned and referenced storage; valid until the next change.
  [[nodiscard]] const char* const* values();

 private:
  Params& add(Oid type, const char* data, std::size_t size);
  Params& add_scratch(Oid type, std::uint64_t big_endian_bits, std::size_t size);

  std::vector<unsigned int> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  // Encoded numbers live here; values_ of those parameters hold offsets until values().
  std::string scratch_;
  std::vector<std::pair<std::size_t, std::size_t>> scratch_refs_;  // (parameter, offset)
};

// Decoders of binary result fields; `field` is the raw bytes of a non-null value.
std::int64_t read_int8(std::string_view field);
std::int32_t read_int4(std::string_view field);
bool read_bool(std::string_view field);
Uuid read_uuid(std::string_view field);
Timestamp read_timestamptz(std::string_view field);
std::uint64_t read_xid8(std::string_view field);

}  // namespace es::postgres
