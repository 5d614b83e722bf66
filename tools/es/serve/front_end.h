// FrontEnd: the sockets of `es serve`. One thread accepts connections and reads their requests
// with epoll. An append to one stream (POST /api/streams/{stream}) is checked on that thread
// (stream_append.h) and queued for a committer thread, which appends everything queued with one
// EventStore::append_each() call: one commit for all of them, each succeeding or failing alone.
// The loop sends the responses as the committer hands them back. Every other request goes, with
// its connection, to a worker of a pool, where httplib serves it (HttpServer::serve_one); the
// connection comes back to the loop after that request. So do the appends the loop leaves to
// httplib: chunked or Expect bodies, HTTP/1.0, bodies over --max-body-bytes, heads over 16 KiB.
//
// Why: with a thread per connection, every append woke a thread for its request and again for
// its commit; on these virtual machines the context switches cost more than the append. Here a
// group of appends costs a few switches in all, whatever its size.
//
// A connection carries one request at a time: a pipelined next request waits in its buffer until
// the response to the one before is out. An idle connection closes after the keep-alive timeout.
//
// Thread safety: listen(), start() and stop() from one thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "es/core/status.h"

namespace es::serve {

struct Api;
class HttpServer;

class FrontEnd {
 public:
  // Serves `api` and the routes of `http`; `workers` threads serve what is not an append (each
  // open subscription holds one).
  FrontEnd(Api& api, HttpServer& http, std::size_t workers);
  FrontEnd(const FrontEnd&) = delete;
  FrontEnd& operator=(const FrontEnd&) = delete;
  ~FrontEnd();  // stops

  // Listens on `bind`:`port` (0: any free port); kUnavailable when that cannot be bound.
  Status listen(const std::string& bind, int port);
  // The bound port; 0 before listen().
  [[nodiscard]] int port() const;
  // Starts the event loop and the committer.
  void start();
  // Stops accepting and reading, lets the committer finish what it has, waits for the workers
  // (whose sockets are shut down) and closes every connection.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace es::serve
