// Typed events: plain structs declared with ES_EVENT, which gives each a stable type name and
// schema version — the storage contract — and lists the members the codec stores.
//
// The name is chosen by the author and never derived from typeid; rename the struct freely, but
// change the name only together with an upcaster (es/domain/upcaster.h). Bump the schema version
// when the payload's shape changes.
//
// Thread safety: compile-time declarations.
//
//   struct MoneyDeposited { std::int64_t cents = 0; };
//   ES_EVENT(MoneyDeposited, "bank.MoneyDeposited", 1, cents)
//   static_assert(es::event_type_of<MoneyDeposited>().name == "bank.MoneyDeposited");
#pragma once

#include <concepts>
#include <cstdint>
#include <string_view>

#include "es/domain/fields.h"

namespace es {

// The stored identity of an event type.
struct EventType {
  std::string_view name;
  std::int32_t schema_version = 1;
};

template <typename T>
concept Event = Reflected<T> && requires(const T* p) {
  { es_event_type(p) } -> std::same_as<EventType>;
};

template <Event T>
constexpr EventType event_type_of() {
  return es_event_type(static_cast<const T*>(nullptr));
}

}  // namespace es

// Declares Type an event named `name` (1-128 characters of [A-Za-z0-9_.:-]) at schema `version`
// with the listed members. Use it in the namespace of Type.
#define ES_EVENT(Type, name, version, ...)                                       \
  [[maybe_unused]] inline constexpr ::es::EventType es_event_type(const Type*) { \
    static_assert((version) >= 1, "an event's schema version starts at 1");      \
    return {name, version};                                                      \
  }                                                                              \
  ES_FIELDS(Type __VA_OPT__(, ) __VA_ARGS__)
