// The JSON codec of reflected structs (ES_FIELDS / ES_EVENT): encode to and decode from the
// stored bytes. Supported member types: bool, integers, floating point, std::string, enums (as
// their underlying integer), std::optional, std::vector, std::map<std::string, T> and nested
// reflected structs. Decoding is strict about types, ignores unknown keys (old readers accept
// newer writers' extra fields) and leaves missing members at their default.
//
// Thread safety: free functions without shared state.
//
//   std::string bytes = es::json_encode(MoneyDeposited{500});        // {"cents":500}
//   MoneyDeposited back;
//   es::Status s = es::json_decode(bytes, back);
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "es/domain/fields.h"
#include "es/domain/json_reader.h"

namespace es {
namespace detail {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};
template <typename T>
struct IsStringMap : std::false_type {};
template <typename T>
struct IsStringMap<std::map<std::string, T>> : std::true_type {};

template <typename T>
void json_write(JsonWriter& w, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    w.write(value);
  } else if constexpr (std::is_enum_v<T>) {
    json_write(w, static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    w.write(static_cast<std::int64_t>(value));
  } else if constexpr (std::is_integral_v<T>) {
    w.write(static_cast<std::uint64_t>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    w.write(static_cast<double>(value));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    w.write(std::string_view(value));
  } else if constexpr (IsOptional<T>::value) {
    if (value)
      json_write(w, *value);
    else
      w.write_null();
  } else if constexpr (IsVector<T>::value) {
    w.begin_array();
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0) w.comma();
      json_write(w, value[i]);
    }
    w.end_array();
  } else if constexpr (IsStringMap<T>::value) {
    w.begin_object();
    bool first = true;
    for (const auto& [k, v] : value) {
      if (!first) w.comma();
      first = false;
      w.key(k);
      json_write(w, v);
    }
    w.end_object();
  } else {
    static_assert(Reflected<T>, "a member type the JSON codec does not know: add ES_FIELDS");
    w.begin_object();
    bool first = true;
    std::apply(
        [&](const auto&... field) {
          ((first ? void(first = false) : w.comma(), w.key(field.name),
            json_write(w, value.*(field.member))),
           ...);
        },
        fields_of<T>());
    w.end_object();
  }
}

template <typename T>
bool json_read(JsonReader& r, T& out) {
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string>) {
    return r.read(out);
  } else if constexpr (std::is_enum_v<T>) {
    std::underlying_type_t<T> raw{};
    if (!json_read(r, raw)) return false;
    out = static_cast<T>(raw);
    return true;
  } else if constexpr (std::is_integral_v<T>) {
    using Wide = std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>;
    Wide wide = 0;
    if (!r.read(wide)) return false;
    if (!std::in_range<T>(wide)) return r.fail("integer out of range");
    out = static_cast<T>(wide);
    return true;
  } else if constexpr (std::is_floating_point_v<T>) {
    double d = 0;
    if (!r.read(d)) return false;
    // Past a float's range the cast gives infinity, which the writer would store as null.
    if (std::abs(d) > static_cast<double>(std::numeric_limits<T>::max())) {
      return r.fail("number out of range");
    }
    out = static_cast<T>(d);
    return true;
  } else if constexpr (IsOptional<T>::value) {
    if (r.consume_null()) {
      out.reset();
      return true;
    }
    return json_read(r, out.emplace());
  } else if constexpr (IsVector<T>::value) {
    out.clear();
    if (!r.begin_array()) return false;
    while (r.next_element()) {
      if (!json_read(r, out.emplace_back())) return false;
    }
    return r.ok();
  } else if constexpr (IsStringMap<T>::value) {
    out.clear();
    std::string_view key;
    if (!r.begin_object()) return false;
    while (r.next_key(key)) {
      if (!json_read(r, out[std::string(key)])) return false;
    }
    return r.ok();
  } else {
    static_assert(Reflected<T>, "a member type the JSON codec does not know: add ES_FIELDS");
    // Constant field names let the compiler turn each key comparison into a few loads.
    static constexpr auto kFields = fields_of<T>();
    std::string_view key;
    if (!r.begin_object()) return false;
    while (r.next_key(key)) {
      bool matched = false;
      bool good = true;
      std::apply(
          [&](const auto&... field) {
            ((!matched && key == field.name
                  ? void((matched = true, good = json_read(r, out.*(field.member)) ||
                                                 (r.add_context(field.name), false)))
                  : void()),
             ...);
          },
          kFields);
      if (!good) return false;
      if (!matched && !r.skip()) return false;
    }
    return r.ok();
  }
}

}  // namespace detail

// Appends the JSON form of `value` to `out`.
template <typename T>
void json_encode_to(const T& value, std::string& out) {
  JsonWriter writer(out);
  detail::json_write(writer, value);
}

template <typename T>
std::string json_encode(const T& value) {
  std::string out;
  json_encode_to(value, out);
  return out;
}

// Decodes `text` into `out`; kInvalidArgument naming the member and byte offset on bad input.
template <typename T>
Status json_decode(std::string_view text, T& out) {
  JsonReader reader(text);
  if (detail::json_read(reader, out)) (void)reader.finish();
  return reader.error();
}

}  // namespace es
