#include "store/postgres/wire.h"

#include <algorithm>
#include <limits>

namespace es::postgres {
namespace {

// timestamptz counts microseconds from 2000-01-01 UTC.
constexpr std::int64_t kPostgresEpochUnixMicros = 946'684'800'000'000;

// The low `size` bytes of `v`, most significant first (network order).
void append_big_endian(std::string& out, std::uint64_t v, std::size_t size) {
  for (std::size_t i = size; i-- > 0;) out.push_back(static_cast<char>((v >> (i * 8)) & 0xFF));
}

std::uint64_t read_unsigned(std::string_view field, std::size_t size) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < std::min(size, field.size()); ++i) {
    v = (v << 8) | static_cast<unsigned char>(field[i]);
  }
  return v;
}

}  // namespace

Params& Params::add(Oid type, const char* data, std::size_t size) {
  types_.push_back(static_cast<unsigned int>(type));
  values_.push_back(data);
  lengths_.push_back(static_cast<int>(size));
  formats_.push_back(1);
  return *this;
}

Params& Params::add_scratch(Oid type, std::uint64_t bits, std::size_t size) {
  scratch_refs_.emplace_back(types_.size(), scratch_.size());
  append_big_endian(scratch_, bits, size);
  return add(type, nullptr, size);
}

Params& Params::text(std::string_view value) {
  return add(Oid::kText, value.empty() ? "" : value.data(), value.size());
}
Params& Params::bytea(std::string_view value) {
  return add(Oid::kBytea, value.empty() ? "" : value.data(), value.size());
}
Params& Params::int8(std::int64_t value) {
  return add_scratch(Oid::kInt8, static_cast<std::uint64_t>(value), 8);
}
Params& Params::int4(std::int32_t value) {
  return add_scratch(Oid::kInt4, static_cast<std::uint32_t>(value), 4);
}
Params& Params::boolean(bool value) { return add_scratch(Oid::kBool, value ? 1 : 0, 1); }
Params& Params::uuid(const Uuid& value) {
  const auto& bytes = value.bytes();
  scratch_refs_.emplace_back(types_.size(), scratch_.size());
  scratch_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return add(Oid::kUuid, nullptr, bytes.size());
}
Params& Params::timestamptz(Timestamp value) {
  return add_scratch(Oid::kTimestamptz,
                     static_cast<std::uint64_t>(to_unix_micros(value) - kPostgresEpochUnixMicros),
                     8);
}
Params& Params::timestamptz_infinity(bool positive) {
  const std::int64_t v = positive ? std::numeric_limits<std::int64_t>::max()
                                  : std::numeric_limits<std::int64_t>::min();
  return add_scratch(Oid::kTimestamptz, static_cast<std::uint64_t>(v), 8);
}
Params& Params::xid8(std::uint64_t value) { return add_scratch(Oid::kXid8, value, 8); }
Params& Params::null(Oid type) { return add(type, nullptr, 0); }
Params& Params::position(Position value) {
  xid8(value.major());
  return int8(static_cast<std::int64_t>(value.minor()));
}

const char* const* Params::values() {
  for (const auto& [param, offset] : scratch_refs_) values_[param] = scratch_.data() + offset;
  return values_.data();
}

std::int64_t read_int8(std::string_view field) {
  return static_cast<std::int64_t>(read_unsigned(field, 8));
}
std::int32_t read_int4(std::string_view field) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(read_unsigned(field, 4)));
}
bool read_bool(std::string_view field) { return !field.empty() && field[0] != 0; }
Uuid read_uuid(std::string_view field) {
  Uuid::Bytes bytes{};
  std::copy_n(field.begin(), std::min(field.size(), bytes.size()), bytes.begin());
  return Uuid(bytes);
}
Timestamp read_timestamptz(std::string_view field) {
  return from_unix_micros(read_int8(field) + kPostgresEpochUnixMicros);
}
std::uint64_t read_xid8(std::string_view field) { return read_unsigned(field, 8); }

}  // namespace es::postgres
