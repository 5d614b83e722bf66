// The `dead_letters` table of a store file (docs/storage-sqlite.md) through one connection's
// prepared statements. The dead-letter store uses it on its own connection; an exactly-once
// projection uses it inside the transaction that also holds its read-model writes and checkpoint.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "es/projection/dead_letter_store.h"
#include "store/sqlite/connection.h"

namespace es::sqlite {

class DeadLetterTable {
 public:
  // Prepares the statements on `conn`, which must outlive the table.
  static Result<DeadLetterTable> prepare(Connection& conn);

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
  DeadLetterTable() = default;
  // Runs a statement on (subscription, stream or NULL); returns the rows it changed.
  Result<std::uint64_t> change_selected(Statement& stmt, std::string_view subscription,
                                        const std::optional<std::string>& stream,
                                        std::string_view what);

  sqlite3* db_ = nullptr;
  Statement park_, list_, count_, retry_, discard_, remove_, keep_;
};

}  // namespace es::sqlite
