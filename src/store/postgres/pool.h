// A pool of read connections to one store: a thread leases one for a read and hands it back when
// the lease ends. At most max_read_connections are open; a lease beyond that waits for a free one.
//
// Thread safety: acquire() may be called from any thread; a lease is used by one thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/connection.h"

namespace es::postgres {

class Pool {
 public:
  Pool(std::string conninfo, std::string schema, std::size_t max_connections)
      : conninfo_(std::move(conninfo)),
        schema_(std::move(schema)),
        max_(max_connections == 0 ? 1 : max_connections) {}

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.release(std::move(conn_)); }
    Connection& operator*() { return *conn_; }

   private:
    Pool& pool_;
    std::unique_ptr<Connection> conn_;
  };

  // A healthy connection (reconnected if it broke), or kUnavailable.
  Result<std::unique_ptr<Lease>> acquire();
  // As acquire() when a connection is idle or one more may be opened; null, without waiting,
  // when all are leased or the connection fails (for work that can go without one).
  std::unique_ptr<Lease> try_acquire();

 private:
  // With mutex_ held, and a connection free: an idle one, or null with a new one counted open.
  std::unique_ptr<Connection> take_locked();
  // `conn` (an idle connection, or null for a new one) made ready for a lease; on failure its
  // place in the pool is given back.
  Result<std::unique_ptr<Lease>> lease(std::unique_ptr<Connection> conn);
  void release(std::unique_ptr<Connection> conn);

  const std::string conninfo_;
  const std::string schema_;
  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // connections leased or idle
};

}  // namespace es::postgres
