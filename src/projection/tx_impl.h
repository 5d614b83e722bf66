// The state behind es::Tx: one read-model database's transaction, as each backend of the
// exactly-once runner implements it (projection/sqlite/tx_impl.h, projection/postgres/tx.h).
// The first failing statement is kept: every later run() returns it, and the runner rolls the
// batch back even when the handler ignored the error.
//
// Thread safety: none; used by the runner's thread only.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "es/projection/tx.h"

namespace es::detail {

class TxImpl {
 public:
  TxImpl() = default;
  TxImpl(const TxImpl&) = delete;
  TxImpl& operator=(const TxImpl&) = delete;
  virtual ~TxImpl() = default;

  // Starts a transaction and forgets the previous one's failure.
  Status begin() {
    failure_ = Status::ok();
    return do_begin();
  }
  Status commit() { return do_commit(); }
  // Rolls back the open transaction, if any.
  void rollback() { do_rollback(); }

  // Runs one statement with `values` bound to its placeholders, calling `row` per result row.
  Status run(std::string_view sql, std::span<const SqlValue> values,
             const std::function<void(const Row&)>* row) {
    if (!failure_.is_ok()) return failure_;
    Status status = do_run(sql, values, row);
    if (!status.is_ok() && failure_.is_ok()) failure_ = status;
    return status;
  }
  [[nodiscard]] const Status& status() const { return failure_; }

  // Columns of the current row, for Row.
  [[nodiscard]] virtual bool is_null(int column) const = 0;
  [[nodiscard]] virtual std::int64_t integer(int column) const = 0;
  [[nodiscard]] virtual double real(int column) const = 0;
  [[nodiscard]] virtual std::string_view text(int column) const = 0;

 protected:
  // A Row over this transaction's current row, for do_run's callback.
  [[nodiscard]] Row current_row() const { return Row(*this); }

 private:
  virtual Status do_begin() = 0;
  virtual Status do_commit() = 0;
  virtual void do_rollback() = 0;
  virtual Status do_run(std::string_view sql, std::span<const SqlValue> values,
                        const std::function<void(const Row&)>* row) = 0;

  Status failure_;
};

}  // namespace es::detail
