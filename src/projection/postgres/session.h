// One connection to a postgres store's schema for the projection layer's stores (checkpoints,
// dead letters): opened with the store's migrations, so their tables exist, and used by one
// statement at a time.
//
// Thread safety: with() may be called from any thread; calls are serialised.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "es/store/postgres_store.h"
#include "store/postgres/connection.h"

namespace es::postgres {

class Session {
 public:
  // Connects to `conninfo` in options.schema, creating or migrating the schema if needed.
  static Result<std::unique_ptr<Session>> open(const std::string& conninfo,
                                               const PostgresOptions& options);

  // Calls `body` with the connection (healthy, or reconnected first); returns what it returns.
  template <typename Body>
  auto with(Body&& body) -> decltype(body(std::declval<Connection&>())) {
    const std::lock_guard lock(mutex_);
    ES_RETURN_IF_ERROR(conn_.ensure_healthy());
    return body(conn_);
  }

 private:
  explicit Session(Connection conn) : conn_(std::move(conn)) {}

  std::mutex mutex_;
  Connection conn_;
};

}  // namespace es::postgres
