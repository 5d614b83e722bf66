// Field reflection for plain structs: ES_FIELDS(Type, a, b, c) lists the members a codec reads and
// writes, by name. ES_EVENT (es/domain/event.h) uses it; use it directly for nested value types.
//
// The macro defines an ADL-found function in the struct's namespace, so it works in any namespace
// and never specialises a template of ours. Up to 32 fields.
//
//   struct Money { std::int64_t cents = 0; std::string currency; };
//   ES_FIELDS(Money, cents, currency)
#pragma once

#include <string_view>
#include <tuple>
#include <type_traits>

namespace es {

// One reflected member: its JSON name and a pointer to it.
template <typename Struct, typename Member>
struct Field {
  std::string_view name;
  Member Struct::*member;
};

template <typename T>
concept Reflected = requires(const T* p) {
  es_fields(p);
};

// The tuple of Field descriptors of a reflected struct.
template <Reflected T>
constexpr auto fields_of() {
  return es_fields(static_cast<const T*>(nullptr));
}

}  // namespace es

#define ES_DETAIL_FIELD(Type, member) \
  ::es::Field<Type, decltype(Type::member)> { #member, &Type::member }

// ES_DETAIL_FOR_EACH(m, T, a, b, ...) expands to m(T, a), m(T, b), ...
#define ES_DETAIL_EXPAND(x) x
#define ES_DETAIL_FE_1(m, T, x) m(T, x)
#define ES_DETAIL_FE_2(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_1(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_3(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_2(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_4(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_3(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_5(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_4(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_6(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_5(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_7(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_6(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_8(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_7(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_9(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_8(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_10(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_9(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_11(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_10(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_12(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_11(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_13(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_12(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_14(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_13(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_15(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_14(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_16(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_15(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_17(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_16(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_18(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_17(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_19(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_18(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_20(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_19(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_21(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_20(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_22(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_21(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_23(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_22(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_24(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_23(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_25(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_24(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_26(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_25(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_27(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_26(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_28(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_27(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_29(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_28(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_30(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_29(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_31(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_30(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_32(m, T, x, ...) m(T, x), ES_DETAIL_EXPAND(ES_DETAIL_FE_31(m, T, __VA_ARGS__))
#define ES_DETAIL_FE_PICK(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, \
                          _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30,  \
                          _31, _32, name, ...)                                                   \
  name
#define ES_DETAIL_FOR_EACH(m, T, ...)                                                      \
  ES_DETAIL_EXPAND(ES_DETAIL_FE_PICK(                                                      \
      __VA_ARGS__, ES_DETAIL_FE_32, ES_DETAIL_FE_31, ES_DETAIL_FE_30, ES_DETAIL_FE_29,     \
      ES_DETAIL_FE_28, ES_DETAIL_FE_27, ES_DETAIL_FE_26, ES_DETAIL_FE_25, ES_DETAIL_FE_24, \
      ES_DETAIL_FE_23, ES_DETAIL_FE_22, ES_DETAIL_FE_21, ES_DETAIL_FE_20, ES_DETAIL_FE_19, \
      ES_DETAIL_FE_18, ES_DETAIL_FE_17, ES_DETAIL_FE_16, ES_DETAIL_FE_15, ES_DETAIL_FE_14, \
      ES_DETAIL_FE_13, ES_DETAIL_FE_12, ES_DETAIL_FE_11, ES_DETAIL_FE_10, ES_DETAIL_FE_9,  \
      ES_DETAIL_FE_8, ES_DETAIL_FE_7, ES_DETAIL_FE_6, ES_DETAIL_FE_5, ES_DETAIL_FE_4,      \
      ES_DETAIL_FE_3, ES_DETAIL_FE_2, ES_DETAIL_FE_1)(m, T, __VA_ARGS__))

// Lists the reflected members of Type, at namespace scope; an empty struct uses ES_FIELDS(Type).
#define ES_FIELDS(Type, ...)                                                                    \
  [[maybe_unused]] inline constexpr auto es_fields(const Type*) {                               \
    return std::make_tuple(__VA_OPT__(ES_DETAIL_FOR_EACH(ES_DETAIL_FIELD, Type, __VA_ARGS__))); \
  }

// The same inside the class body, which also reaches private members (e.g. an aggregate's state
// for its snapshots).
#define ES_FRIEND_FIELDS(Type, ...)                                                             \
  friend constexpr auto es_fields(const Type*) {                                                \
    return std::make_tuple(__VA_OPT__(ES_DETAIL_FOR_EACH(ES_DETAIL_FIELD, Type, __VA_ARGS__))); \
  }
