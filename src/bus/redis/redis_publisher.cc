#include <fmt/format.h>

#include "bus/redis/redis_connection.h"
#include "es/bus/envelope.h"
#include "es/bus/redis.h"

namespace es {
namespace {

constexpr std::chrono::milliseconds kTimeout{5000};

class RedisPublisher final : public Publisher {
 public:
  explicit RedisPublisher(const BusUrl& url) : connection_(url) {}

 protected:
  // Pipelines one XADD per event, then reads every reply: one round trip per batch.
  Status do_publish(std::span<const RecordedEvent> events) override {
    ES_RETURN_IF_ERROR(connection_.connect(kTimeout));
    std::vector<std::string_view> args;
    for (const RecordedEvent& event : events) {
      const EnvelopeFields fields = envelope_fields(event);
      args.assign({"XADD", connection_.url().target, "*"});
      for (const auto& [name, value] : fields) {
        args.push_back(name);
        args.push_back(value);
      }
      ES_RETURN_IF_ERROR(connection_.append(args));
    }
    Status first_error;
    for (std::size_t i = 0; i < events.size(); ++i) {
      auto reply = connection_.reply();
      if (!reply) return reply.error();
      if ((*reply)->type == REDIS_REPLY_ERROR && first_error.is_ok()) {
        // Redis refused an entry: "not now" (loading after a restart) is retried, anything else
        // (out of memory, a key of another type) is not worth it.
        first_error = Status(
            detail::is_transient_error(**reply) ? StatusCode::kUnavailable : StatusCode::kInternal,

            fmt::format("redis XADD to '{}' failed for event {}: {}", connection_.url().target,
                        events[i].id.to_string(), detail::reply_text(**reply)));
      }
    }
    return first_error;
  }

  [[nodiscard]] std::string do_destination() const override {
    return connection_.url().to_string();
  }

 private:
  detail::RedisConnection connection_;
};

}  // namespace

Result<std::unique_ptr<Publisher>> make_redis_publisher(const BusUrl& url) {
  if (url.scheme != "redis" || url.target.empty()) {
    return Status::invalid_argument("make_redis_publisher needs redis://HOST:PORT/STREAM, not '" +
                                    url.to_string() + "'");
  }
  return std::unique_ptr<Publisher>(std::make_unique<RedisPublisher>(url));
}

}  // namespace es
