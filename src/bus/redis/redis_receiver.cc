#include <fmt/format.h>

#include <map>

#include "bus/redis/redis_connection.h"
#include "es/bus/envelope.h"
#include "es/bus/redis.h"

namespace es {
namespace {

// Longest write or plain read; a blocking read gets its block on top.
constexpr std::chrono::milliseconds kTimeout{5000};

class RedisReceiver final : public Receiver {
 public:
  RedisReceiver(const BusUrl& url, std::string name) : connection_(url), name_(std::move(name)) {}

 protected:
  Result<std::vector<RecordedEvent>> do_fetch(std::size_t max_count,
                                              std::chrono::milliseconds wait) override {
    ES_RETURN_IF_ERROR(ready(kTimeout + wait));
    const bool was_pending = pending_.has_value();
    auto events = read(max_count, wait);
    // The pending entries are done: go on with new ones at once.
    if (events && events->empty() && was_pending && !pending_) events = read(max_count, wait);
    return events;
  }

  Status do_ack() override {
    if (unacked_.empty()) return Status::ok();
    ES_RETURN_IF_ERROR(ready(kTimeout));
    std::vector<std::string_view> args = {"XACK", connection_.url().target, name_};
    args.insert(args.end(), unacked_.begin(), unacked_.end());
    auto reply = connection_.command(args);
    if (!reply) return reply.error();
    if ((*reply)->type == REDIS_REPLY_ERROR) return refused("XACK", **reply);
    unacked_.clear();
    return Status::ok();
  }

  [[nodiscard]] std::string do_source() const override {
    return connection_.url().to_string() + " (group " + name_ + ")";
  }

 private:
  // First what this member fetched before and never acknowledged, then new entries (blocking).
  Result<std::vector<RecordedEvent>> read(std::size_t max_count, std::chrono::milliseconds wait) {
    const std::string count = std::to_string(max_count);
    const std::string block = std::to_string(wait.count());
    const std::string cursor = pending_.value_or(">");
    std::vector<std::string_view> args = {"XREADGROUP", "GROUP", name_, name_, "COUNT", count};
    if (!pending_) args.insert(args.end(), {"BLOCK", block});
    args.insert(args.end(), {"STREAMS", connection_.url().target, cursor});
    auto reply = connection_.command(args);
    if (!reply) return reply.error();
    std::vector<RecordedEvent> events;
    ES_RETURN_IF_ERROR(parse(**reply, events));
    return events;
  }

  // Connected, with the group created; after a reconnect, pending entries are read first.
  Status ready(std::chrono::milliseconds timeout) {
    if (!connection_.connected()) {
      pending_ = "0";
      unacked_.clear();  // the server keeps them pending; they are fetched again
    }
    ES_RETURN_IF_ERROR(connection_.connect(timeout));
    if (group_ready_) return Status::ok();
    auto reply =
        connection_.command({"XGROUP", "CREATE", connection_.url().target, name_, "0", "MKSTREAM"});
    if (!reply) return reply.error();
    if ((*reply)->type == REDIS_REPLY_ERROR &&
        !detail::reply_text(**reply).starts_with("BUSYGROUP")) {
      return refused("XGROUP CREATE", **reply);
    }
    group_ready_ = true;
    return Status::ok();
  }

  Status refused(std::string_view command, const redisReply& reply) {
    const std::string text = detail::reply_text(reply);
    if (detail::is_transient_error(reply)) {
      return Status::unavailable(fmt::format("redis {}: {}", command, text));
    }
    if (text.starts_with("NOGROUP")) {
      // The server lost the group (restarted without its data): create it again and retry.
      group_ready_ = false;
      return Status::unavailable(fmt::format("redis {}: {}", command, text));
    }
    return Status::internal(
        fmt::format("redis {} on '{}' failed: {}", command, connection_.url().target, text));
  }

  // XREADGROUP's reply: [[key, [[id, [field, value, ...]], ...]]], or nil after a block.
  Status parse(const redisReply& reply, std::vector<RecordedEvent>& events) {
    if (reply.type == REDIS_REPLY_ERROR) return refused("XREADGROUP", reply);
    if (reply.type == REDIS_REPLY_NIL) return Status::ok();
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 1) return malformed();
    const redisReply& stream = *reply.element[0];
    if (stream.type != REDIS_REPLY_ARRAY || stream.elements != 2) return malformed();
    const redisReply& entries = *stream.element[1];
    if (entries.type != REDIS_REPLY_ARRAY) return malformed();
    if (pending_ && entries.elements == 0) pending_.reset();  // caught up with the pending ones
    for (std::size_t i = 0; i < entries.elements; ++i) {
      const redisReply& entry = *entries.element[i];
      if (entry.type != REDIS_REPLY_ARRAY || entry.elements != 2) return malformed();
      const std::string id = detail::reply_text(*entry.element[0]);
      if (pending_) pending_ = id;
      unacked_.push_back(id);
      const redisReply& fields = *entry.element[1];
      if (fields.type == REDIS_REPLY_NIL) continue;  // pending, but trimmed from the stream
      if (fields.type != REDIS_REPLY_ARRAY) return malformed();
      auto event =
          event_from_envelope([&](std::string_view name) -> std::optional<std::string_view> {
            for (std::size_t f = 0; f + 1 < fields.elements; f += 2) {
              const redisReply& key = *fields.element[f];
              if (std::string_view(key.str, key.len) == name) {
                return std::string_view(fields.element[f + 1]->str, fields.element[f + 1]->len);
              }
            }
            return std::nullopt;
          });
      if (!event) {
        return Status::invalid_argument(fmt::format(
            "redis entry {} of '{}': {}", id, connection_.url().target, event.error().message()));
      }
      events.push_back(std::move(*event));
    }
    return Status::ok();
  }

  Status malformed() {
    connection_.disconnect();
    return Status::internal("redis: unexpected XREADGROUP reply shape");
  }

  detail::RedisConnection connection_;
  const std::string name_;
  bool group_ready_ = false;
  std::optional<std::string> pending_ = "0";  // reading pending entries after this id
  std::vector<std::string> unacked_;
};

}  // namespace

Result<std::unique_ptr<Receiver>> make_redis_receiver(const BusUrl& url, std::string name) {
  if (url.scheme != "redis" || url.target.empty()) {
    return Status::invalid_argument("make_redis_receiver needs redis://HOST:PORT/STREAM, not '" +
                                    url.to_string() + "'");
  }
  if (name.empty()) return Status::invalid_argument("a redis receiver needs a consumer name");
  return std::unique_ptr<Receiver>(std::make_unique<RedisReceiver>(url, std::move(name)));
}

}  // namespace es
