// BusUrl: a message bus named the way `es relay --to` and `es consume --from` take it:
// redis://HOST:PORT/STREAM (a Redis stream key) or nats://HOST:PORT/SUBJECT (a JetStream
// subject; its stream is created if missing, see es/bus/nats.h). The port defaults to the
// server's (6379, 4222).
//
// Thread safety: a value type.
//
//   auto url = es::parse_bus_url("redis://127.0.0.1:6379/orders");   // url->target == "orders"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "es/core/result.h"

namespace es {

struct BusUrl {
  std::string scheme;  // "redis" or "nats"
  std::string host;
  std::uint16_t port = 0;
  std::string target;  // the stream key (redis) or subject (nats)

  [[nodiscard]] std::string to_string() const;
};

// kInvalidArgument naming what is wrong with `text`.
Result<BusUrl> parse_bus_url(std::string_view text);

}  // namespace es
