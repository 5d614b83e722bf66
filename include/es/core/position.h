// Position: a place in the global, totally ordered feed of all events (DESIGN §3).
//
// Opaque to applications: compare positions, store them as strings, pass one back to read_all()
// (which starts strictly after it) — never compute with them ("next = last + 1" is a bug, since a
// backend may leave gaps). Position::start() comes before every event.
// Backends build positions from two unsigned parts: SQLite uses (0, rowid); PostgreSQL uses
// (transaction id, sequence value). The string form is "N" when the first part is 0, else "M:N".
//
// Thread safety: a value type.
//
//   es::Position checkpoint = es::Position::start();
//   auto page = store.read_all({.from = checkpoint});
//   checkpoint = page->next;  save(checkpoint.to_string());
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "es/core/result.h"

namespace es {

class Position {
 public:
  constexpr Position() = default;
  constexpr Position(std::uint64_t major, std::uint64_t minor) : major_(major), minor_(minor) {}

  static constexpr Position start() { return {}; }
  // Parses the string form; rejects anything else with kInvalidArgument.
  static Result<Position> parse(std::string_view text);

  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] constexpr bool is_start() const { return major_ == 0 && minor_ == 0; }

  // For backends only.
  [[nodiscard]] constexpr std::uint64_t major() const { return major_; }
  [[nodiscard]] constexpr std::uint64_t minor() const { return minor_; }

  friend constexpr auto operator<=>(const Position&, const Position&) = default;

 private:
  std::uint64_t major_ = 0;
  std::uint64_t minor_ = 0;
};

}  // namespace es
