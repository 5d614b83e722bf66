#include "es/projection/tx.h"

#include "projection/tx_impl.h"

namespace es {

bool Row::is_null(int column) const { return tx_.is_null(column); }
std::int64_t Row::integer(int column) const { return tx_.integer(column); }
double Row::real(int column) const { return tx_.real(column); }
std::string_view Row::text(int column) const { return tx_.text(column); }

Status Tx::status() const { return impl_.status(); }

Status Tx::run(std::string_view sql, std::span<const SqlValue> values,
               const std::function<void(const Row&)>* row) {
  return impl_.run(sql, values, row);
}

}  // namespace es
