#include "store/postgres/listener.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>

namespace es::postgres {
namespace {

constexpr std::size_t kMaxChannel = 63;  // NAMEDATALEN - 1

}  // namespace

std::string append_channel(std::string_view schema) {
  std::string channel = "es_appended_" + std::string(schema);
  channel.resize(std::min(channel.size(), kMaxChannel));
  return channel;
}

Status Listener::listen() {
  if (conn_ != nullptr && PQstatus(conn_->get()) == CONNECTION_OK) return Status::ok();
  conn_.reset();
  auto conn = Connection::open(conninfo_, schema_);
  if (!conn) return conn.error();
  ES_RETURN_IF_ERROR(conn->exec("LISTEN " + conn->quote_identifier(append_channel(schema_))));
  conn_ = std::make_unique<Connection>(std::move(*conn));
  return Status::ok();
}

bool Listener::drain() {
  pg_conn* conn = conn_->get();
  if (PQconsumeInput(conn) != 1) return false;
  bool notified = false;
  while (PGnotify* note = PQnotifies(conn)) {
    PQfreemem(note);
    notified = true;
  }
  return notified;
}

bool Listener::wait(std::chrono::steady_clock::time_point until) {
  if (!listen().is_ok()) return false;
  // Notifications that came while nobody listened are hints too: the head may have moved since.
  if (drain()) return true;
  pollfd fd{.fd = PQsocket(conn_->get()), .events = POLLIN, .revents = 0};
  for (;;) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return false;
    if (ready > 0) {
      if (drain()) return true;
      if (PQstatus(conn_->get()) != CONNECTION_OK) return false;
    }
  }
}

}  // namespace es::postgres
