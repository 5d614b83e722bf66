// Traceparent: the W3C Trace Context `traceparent` value (https://www.w3.org/TR/trace-context/)
// that events carry in their metadata ("traceparent") and es serve takes from the HTTP header of
// the same name: VERSION-TRACE_ID-PARENT_ID-FLAGS in lower-case hex, e.g.
// "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".
//
// parse() follows the specification's rules for a receiver: version "ff" and all-zero ids are
// invalid, upper-case hex is invalid, and a later version may append "-…" fields, which are
// ignored. child() keeps the trace and the sampled flag and gives the new span a random id.
//
// Thread safety: a value type; child() may be called from any thread.
//
//   auto parent = es::Traceparent::parse(metadata_traceparent);
//   es::Traceparent span = parent ? parent->child() : es::Traceparent::root();
//   std::string header = span.to_string();
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace es {

struct Traceparent {
  std::array<std::uint8_t, 16> trace_id{};  // never all zero once parsed or made
  std::array<std::uint8_t, 8> span_id{};    // the "parent-id" field: the span this names
  std::uint8_t flags = 0;                   // bit 0: sampled

  // The value of `text`, or nullopt when it is not a valid traceparent.
  static std::optional<Traceparent> parse(std::string_view text);
  // A new trace: random trace and span ids, sampled.
  static Traceparent root();
  // A span of the same trace, child of this one: a new random span id, the same flags.
  [[nodiscard]] Traceparent child() const;

  [[nodiscard]] std::string to_string() const;  // version 00
  [[nodiscard]] std::string trace_id_hex() const;
  [[nodiscard]] std::string span_id_hex() const;
};

}  // namespace es
