// Result<T>: a T or a non-ok Status. Member names follow std::expected (value, error, has_value,
// value_or) so it can become an alias once the toolchain allows.
//
// Thread safety: a value type.
//
//   es::Result<es::StreamInfo> info = store.stream_info("account-42");
//   if (!info) return info.error();
//   std::cout << info->version;
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "es/core/status.h"

namespace es {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Status error) : error_(std::move(error)) {  // NOLINT(google-explicit-constructor)
    assert(!error_.is_ok() && "a Result needs a value or a non-ok status");
    if (error_.is_ok()) error_ = Status::internal("Result constructed from an ok status");
  }

  [[nodiscard]] bool has_value() const { return value_.has_value(); }
  explicit operator bool() const { return has_value(); }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

  // The error; Status::ok() when a value is held.
  [[nodiscard]] const Status& error() const { return error_; }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? *value_ : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::optional<T> value_;
  Status error_;
};

}  // namespace es

// Returns the status of `expr` from the enclosing function when it is not ok.
#define ES_RETURN_IF_ERROR(expr)                \
  do {                                          \
    ::es::Status es_status_ = (expr);           \
    if (!es_status_.is_ok()) return es_status_; \
  } while (false)
