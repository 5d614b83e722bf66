// The `dead_letters` table of a postgres store's schema (docs/storage-postgres.md) through one
// connection. The dead-letter store uses it on its session's connection; an exactly-once
// projection uses it inside the transaction that also holds its read-model writes and checkpoint.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "es/projection/dead_letter_store.h"
#include "store/postgres/connection.h"

namespace es::postgres {

class DeadLetterTable {
 public:
  // `conn` must outlive the table.
  explicit DeadLetterTable(Connection& conn) : conn_(conn) {}

  // As the DeadLetterStore methods of the same names; each is atomic on its own, or part of the
  // caller's transaction.
  Status park(const DeadLetter& letter);
  Result<std::vector<DeadLetter>> list(std::string_view subscription);
  Result<std::uint64_t> count(std::string_view subscription);
  Result<std::uint64_t> retry(std::string_view subscription,
                              const std::optional<std::string>& stream);
  Result<std::uint64_t> discard(std::string_view subscription,
                                const std::optional<std::string>& stream);
  Status remove(const DeadLetter& letter);
  Status keep(const DeadLetter& letter);

 private:
  // Runs `sql` (which returns a row per row it changed) on the selected letters.
  Result<std::uint64_t> change_selected(const std::string& sql, std::string_view subscription,
                                        const std::optional<std::string>& stream);

  Connection& conn_;
};

}  // namespace es::postgres
