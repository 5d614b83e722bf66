#include "ping.h"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

namespace es::bench {

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status append_pings(EventStore& store, const std::string& stream, std::uint64_t count,
                    std::vector<std::int64_t>* returned_ns) {
  for (std::uint64_t seq = 0; seq < count; ++seq) {
    const std::vector<EventData> event{
        {.type = std::string(kPingType),
         .data = fmt::format(R"({{"seq":{},"sent_ns":{}}})", seq, steady_ns())}};
    auto appended = store.append(stream, ExpectedVersion::any(), event);
    if (!appended) return appended.error();
    if (returned_ns != nullptr) returned_ns->push_back(steady_ns());
  }
  return Status::ok();
}

Result<Ping> parse_ping(const RecordedEvent& event) {
  const auto json = nlohmann::json::parse(event.data, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("seq") || !json.contains("sent_ns")) {
    return Status::invalid_argument("not a ping: " + event.data);
  }
  return Ping{json["seq"].get<std::int64_t>(), json["sent_ns"].get<std::int64_t>()};
}

}  // namespace es::bench
