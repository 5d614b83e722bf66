#include "es/bus/bus_url.h"

#include <charconv>

namespace es {

std::string BusUrl::to_string() const {
  return scheme + "://" + host + ":" + std::to_string(port) + "/" + target;
}

Result<BusUrl> parse_bus_url(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::invalid_argument("bus URL '" + std::string(text) + "': " + std::string(why) +
                                    " (redis://HOST:PORT/STREAM or nats://HOST:PORT/SUBJECT)");
  };
  BusUrl url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return bad("no scheme");
  url.scheme = std::string(text.substr(0, scheme_end));
  if (url.scheme == "redis") {
    url.port = 6379;
  } else if (url.scheme == "nats") {
    url.port = 4222;
  } else {
    return bad("unknown scheme '" + url.scheme + "'");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    return bad(url.scheme == "redis" ? "no stream key" : "no subject");
  }
  std::string_view authority = rest.substr(0, slash);
  url.target = std::string(rest.substr(slash + 1));
  if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    std::uint16_t value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0) {
      return bad("bad port '" + std::string(port) + "'");
    }
    url.port = value;
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return bad("no host");
  url.host = std::string(authority);
  return url;
}

}  // namespace es
