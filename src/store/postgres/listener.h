// The postgres backend's wake-up hint: after a commit that appended events the writer notifies
// the store's channel (inside the transaction, so only a commit is announced), and a waiter of
// EventStore::wait_for_append listens on a connection of its own. A hint only: the feed stays
// the source, and a lost notification costs at most the caller's poll of the head.
//
// Thread safety: none; the store lets one waiter at a time in (EventStore::do_wait_for_hint).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "store/postgres/connection.h"

namespace es::postgres {

// The channel of the store in `schema`. PostgreSQL limits channel names to 63 bytes, so a long
// schema name is cut: stores whose names share those bytes share hints, which costs them a
// head read, nothing more.
std::string append_channel(std::string_view schema);

class Listener {
 public:
  Listener(std::string conninfo, std::string schema)
      : conninfo_(std::move(conninfo)), schema_(std::move(schema)) {}

  // True once a notification arrived (or had arrived since the last call); false at `until`, or
  // at once when the listening connection cannot be opened (the caller's poll takes over).
  bool wait(std::chrono::steady_clock::time_point until);

 private:
  // Connects and subscribes if not yet connected, or again after the connection broke.
  Status listen();
  // Takes in whatever the server sent; true when it held a notification.
  bool drain();

  const std::string conninfo_;
  const std::string schema_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace es::postgres
