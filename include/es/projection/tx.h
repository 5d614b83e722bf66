// Tx: the transaction an exactly-once projection's handlers write their read model through. It
// is the database transaction (SQLite, or PostgreSQL under run_postgres_projection) that also
// saves the projection's checkpoint, so the read-model writes and the checkpoint commit together,
// once per batch of events (DESIGN §8).
//
// Values bind to ?1, ?2, … in order — on PostgreSQL too, where ?N becomes $N (outside quotes and
// comments) and $N is accepted as well. On SQLite integers bind as INTEGER, floating point as
// REAL, strings as TEXT; on PostgreSQL each value is sent as text and takes the type the
// statement gives its parameter (as a literal would), and rows are read as text (booleans read as
// 1 / 0). nullptr and an empty std::optional are NULL. The first failing statement makes the
// whole batch roll back (and the runner stop with that error), even when the handler ignores it.
// Portable SQL qualifies a column that ON CONFLICT … DO UPDATE reads (balances.cents, not cents).
//
// Thread safety: used only by the runner's thread, during one handler call.
//
//   tx.exec("INSERT INTO balances (account, cents) VALUES (?1, ?2) ON CONFLICT (account) "
//           "DO UPDATE SET cents = balances.cents + excluded.cents", e.recorded.stream,
//           e.event.cents);
//   auto cents = tx.query_int("SELECT cents FROM balances WHERE account = ?1", "account-42");
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <variant>

#include "es/core/result.h"

namespace es {

namespace detail {
class TxImpl;
}  // namespace detail

using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string_view>;

// One result row of Tx::query; valid during the row callback. Columns count from 0.
class Row {
 public:
  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] double real(int column) const;
  [[nodiscard]] std::string_view text(int column) const;

 private:
  friend class detail::TxImpl;
  explicit Row(const detail::TxImpl& tx) : tx_(tx) {}
  const detail::TxImpl& tx_;
};

class Tx {
 public:
  explicit Tx(detail::TxImpl& impl) : impl_(impl) {}
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  // Runs one statement that returns no rows.
  template <typename... Args>
  Status exec(std::string_view sql, const Args&... args) {
    const std::array<SqlValue, sizeof...(Args)> values{to_sql(args)...};
    return run(sql, values, nullptr);
  }
  // Runs a query and calls `row` for each result row.
  template <typename... Args>
  Status query(std::string_view sql, const std::function<void(const Row&)>& row,
               const Args&... args) {
    const std::array<SqlValue, sizeof...(Args)> values{to_sql(args)...};
    return run(sql, values, &row);
  }
  // The first column of the first row; nullopt when there is no row or it is NULL.
  template <typename... Args>
  Result<std::optional<std::int64_t>> query_int(std::string_view sql, const Args&... args) {
    std::optional<std::int64_t> out;
    const std::function<void(const Row&)> first = [&](const Row& r) {
      if (!out && !r.is_null(0)) out = r.integer(0);
    };
    ES_RETURN_IF_ERROR(query(sql, first, args...));
    return out;
  }

  // Ok, or the first failure of this transaction (which will roll back).
  [[nodiscard]] Status status() const;

 private:
  template <typename T>
  static SqlValue to_sql(const T& value) {
    if constexpr (std::is_same_v<T, std::nullptr_t>) {
      return nullptr;
    } else if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T>) {
      return static_cast<std::int64_t>(value);
    } else if constexpr (std::is_floating_point_v<T>) {
      return static_cast<double>(value);
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      return std::string_view(value);
    } else {
      static_assert(
          requires { value.has_value(); }, "bind integers, floats, strings or null");
      return value.has_value() ? to_sql(*value) : SqlValue(nullptr);
    }
  }

  Status run(std::string_view sql, std::span<const SqlValue> values,
             const std::function<void(const Row&)>* row);

  detail::TxImpl& impl_;
};

}  // namespace es
