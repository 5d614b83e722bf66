#include "bus/redis/redis_connection.h"

#include <fmt/format.h>

namespace es::detail {
namespace {

timeval to_timeval(std::chrono::milliseconds timeout) {
  return timeval{.tv_sec = static_cast<time_t>(timeout.count() / 1000),
                 .tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
}

}  // namespace

std::string reply_text(const redisReply& reply) {
  return std::string(reply.str == nullptr ? "" : reply.str, reply.len);
}

bool is_transient_error(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ERROR) return false;
  const std::string text = reply_text(reply);
  for (std::string_view prefix : {"LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN"}) {
    if (text.starts_with(prefix)) return true;
  }
  return false;
}

Status RedisConnection::connect(std::chrono::milliseconds timeout) {
  if (context_) {
    if (redisSetTimeout(context_.get(), to_timeval(timeout)) != REDIS_OK) {
      return lost("setting the timeout");
    }
    return Status::ok();
  }
  context_.reset(redisConnectWithTimeout(url_.host.c_str(), url_.port, to_timeval(timeout)));
  if (!context_) return Status::unavailable("redis: out of memory for a connection");
  if (context_->err != 0) return lost("connecting");
  if (redisSetTimeout(context_.get(), to_timeval(timeout)) != REDIS_OK) {
    return lost("setting the timeout");
  }
  return Status::ok();
}

Status RedisConnection::lost(std::string_view what) {
  std::string error = context_ ? context_->errstr : "no connection";
  context_.reset();
  return Status::unavailable(
      fmt::format("redis at {}:{}: {} failed: {}", url_.host, url_.port, what, error));
}

Status RedisConnection::append(const std::vector<std::string_view>& args) {
  if (!context_) return Status::unavailable("redis: not connected");
  argv_.clear();
  lengths_.clear();
  for (std::string_view arg : args) {
    argv_.push_back(arg.data());
    lengths_.push_back(arg.size());
  }
  if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv_.size()), argv_.data(),
                             lengths_.data()) != REDIS_OK) {
    return lost("queueing a command");
  }
  return Status::ok();
}

Result<RedisReply> RedisConnection::reply() {
  if (!context_) return Status::unavailable("redis: not connected");
  void* raw = nullptr;
  if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) {
    return lost("reading a reply");
  }
  return RedisReply(static_cast<redisReply*>(raw));
}

Result<RedisReply> RedisConnection::command(const std::vector<std::string_view>& args) {
  ES_RETURN_IF_ERROR(append(args));
  return reply();
}

}  // namespace es::detail
