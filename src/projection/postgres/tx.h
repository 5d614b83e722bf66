// es::Tx on PostgreSQL: one connection's transaction (BEGIN … COMMIT, READ COMMITTED) and its
// statements, each prepared once per connection under the portable placeholders of
// projection/postgres/placeholders.h.
//
// Values travel in text form with unspecified types, so the server infers each parameter's type
// from the statement, as a literal's would be: integers and floating point as their decimal
// text (read back through Row::integer / Row::real, which also read booleans as 1 / 0), strings
// as text (a string holding a NUL byte is refused), null as NULL. Results are read as text.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "projection/tx_impl.h"
#include "store/postgres/connection.h"

namespace es::postgres {

class PostgresTx final : public detail::TxImpl {
 public:
  explicit PostgresTx(Connection& conn) : conn_(conn) {}

  [[nodiscard]] bool is_null(int column) const override;
  [[nodiscard]] std::int64_t integer(int column) const override;
  [[nodiscard]] double real(int column) const override;
  [[nodiscard]] std::string_view text(int column) const override;

 private:
  struct Prepared {
    std::string name;
    int parameters = 0;
  };

  // Reconnects first if the connection broke (forgetting the prepared statements).
  Status do_begin() override;
  Status do_commit() override;
  void do_rollback() override;
  Status do_run(std::string_view sql, std::span<const SqlValue> values,
                const std::function<void(const Row&)>* row) override;

  Result<const Prepared*> prepare(std::string_view sql);

  Connection& conn_;
  std::unordered_map<std::string, Prepared> cache_;  // the handler's SQL -> its statement
  std::vector<std::string> texts_;                   // the values of the running statement
  std::vector<const char*> values_;
  const PgResult* current_ = nullptr;  // the result whose row a Row reads
  int current_row_ = 0;
};

}  // namespace es::postgres
