#include "store/postgres/pool.h"

namespace es::postgres {

Result<std::unique_ptr<Pool::Lease>> Pool::acquire() {
  std::unique_ptr<Connection> conn;
  {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  if (!conn) {
    auto opened = Connection::open(conninfo_, schema_);
    if (!opened) {
      release(nullptr);
      return opened.error();
    }
    conn = std::make_unique<Connection>(std::move(*opened));
  } else if (Status healthy = conn->ensure_healthy(); !healthy.is_ok()) {
    release(nullptr);
    return healthy;
  }
  return std::make_unique<Lease>(*this, std::move(conn));
}

void Pool::release(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mutex_);
    if (conn)
      idle_.push_back(std::move(conn));
    else
      --open_;
  }
  freed_.notify_one();
}

}  // namespace es::postgres
