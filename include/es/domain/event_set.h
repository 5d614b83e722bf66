// EventSet: the events of one aggregate — a std::variant of ES_EVENT structs — with the mapping
// to and from stored events. Duplicate type names are rejected at compile time; an unknown name
// or an unexpected schema version on decode is an error naming it (upcast first: see
// es/domain/upcaster.h).
//
// Thread safety: stateless.
//
//   using AccountEvent = std::variant<AccountOpened, MoneyDeposited, MoneyWithdrawn>;
//   es::EventData stored = es::EventSet<AccountEvent>::encode(MoneyDeposited{500});
//   AccountEvent back;
//   es::Status s = es::EventSet<AccountEvent>::decode(stored.type, stored.schema_version,
//                                                     stored.data, back);
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <variant>

#include "es/domain/event.h"
#include "es/domain/json_codec.h"
#include "es/store/event.h"

namespace es {

template <typename Variant>
struct EventSet;

template <Event... Es>
struct EventSet<std::variant<Es...>> {
  using Variant = std::variant<Es...>;
  static constexpr std::array<EventType, sizeof...(Es)> kTypes = {event_type_of<Es>()...};

  static constexpr bool names_are_unique() {
    for (std::size_t i = 0; i < kTypes.size(); ++i) {
      for (std::size_t j = i + 1; j < kTypes.size(); ++j) {
        if (kTypes[i].name == kTypes[j].name) return false;
      }
    }
    return true;
  }
  static_assert(names_are_unique(), "two events of one EventSet share a type name");

  // True when `type` names one of the events.
  static constexpr bool contains(std::string_view type) {
    for (const EventType& t : kTypes) {
      if (t.name == type) return true;
    }
    return false;
  }

  // The stored form: type name, schema version and JSON data; id and metadata left default.
  static EventData encode(const Variant& event) {
    EventData out;
    std::visit(
        [&](const auto& e) {
          using E = std::decay_t<decltype(e)>;
          out.type = std::string(event_type_of<E>().name);
          out.schema_version = event_type_of<E>().schema_version;
          json_encode_to(e, out.data);
        },
        event);
    return out;
  }

  // Decodes a stored payload of the current schema version into `out`.
  static Status decode(std::string_view type, std::int32_t schema_version, std::string_view data,
                       Variant& out) {
    Status status;
    const bool known = ((event_type_of<Es>().name == type
                             ? (status = decode_as<Es>(schema_version, data, out), true)
                             : false) ||
                        ...);
    if (!known) return Status::invalid_argument("unknown event type '" + std::string(type) + "'");
    return status;
  }

 private:
  template <typename E>
  static Status decode_as(std::int32_t schema_version, std::string_view data, Variant& out) {
    constexpr EventType kType = event_type_of<E>();
    if (schema_version != kType.schema_version) {
      return Status::invalid_argument(
          "event type '" + std::string(kType.name) + "' is stored at schema version " +
          std::to_string(schema_version) + " but the code reads version " +
          std::to_string(kType.schema_version) + ": register an upcaster");
    }
    // Decoding into the event already held keeps its strings' and vectors' capacity across a
    // replay; copy-assigning the default first keeps "missing members stay at their default".
    E* target = std::get_if<E>(&out);
    if (target != nullptr) {
      static const E kDefault{};
      *target = kDefault;
    } else {
      target = &out.template emplace<E>();
    }
    Status s = json_decode(data, *target);
    if (s.is_ok()) return s;
    return Status(s.code(),
                  "event type '" + std::string(kType.name) + "': " + std::string(s.message()));
  }
};

}  // namespace es
