// RedisConnection: one hiredis connection, opened on first use and dropped after any I/O error
// so that the next call reconnects. Commands are sent as argument vectors (binary-safe) and may
// be pipelined: append() several, then reply() once for each.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "es/bus/bus_url.h"
#include "es/core/result.h"

namespace es::detail {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using RedisReply = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisConnection {
 public:
  explicit RedisConnection(BusUrl url) : url_(std::move(url)) {}

  // Connects unless connected; kUnavailable naming the server when it does not answer.
  // `timeout` bounds every later read and write (a blocking read needs more than its block).
  Status connect(std::chrono::milliseconds timeout);
  [[nodiscard]] bool connected() const { return context_ != nullptr; }
  // Queues one command.
  Status append(const std::vector<std::string_view>& args);
  // The reply to the oldest queued command; kUnavailable (and disconnected) on an I/O error.
  // A Redis error reply is returned as a reply, for the caller to judge.
  Result<RedisReply> reply();
  // append() then reply().
  Result<RedisReply> command(const std::vector<std::string_view>& args);
  void disconnect() { context_.reset(); }

  [[nodiscard]] const BusUrl& url() const { return url_; }

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const { redisFree(context); }
  };
  Status lost(std::string_view what);

  BusUrl url_;
  std::unique_ptr<redisContext, ContextDeleter> context_;
  std::vector<const char*> argv_;
  std::vector<std::size_t> lengths_;
};

// The text of an error or status reply.
std::string reply_text(const redisReply& reply);
// Whether an error reply means "not now" (the server is loading its data after a restart, busy
// with a script, …): worth retrying like a lost connection.
bool is_transient_error(const redisReply& reply);

}  // namespace es::detail
