// The httplib::Server of `es serve`, with its own keep-alive loop per connection. cpp-httplib
// (0.11) still parses, routes and writes every request and response; only the socket under it
// changes. Its own loop costs about ten system calls per request (a poll before every recv and
// send, the response head and body in two sends, getpeername and getsockname, and a new 4 KiB
// read buffer); this one costs three: a poll while the connection is idle, one recv and one send
// (the head is held back and goes out with the body).
//
// The same contract as httplib's loop: at most keep_alive_max_count requests per connection, an
// idle connection closes after the keep-alive timeout, reads and writes time out after the read
// and write timeouts (set once per connection as SO_RCVTIMEO and SO_SNDTIMEO), and a streamed
// response (Server-Sent Events) goes out as it is written. An idle connection also notices stop()
// within 50 ms (httplib's waits out the keep-alive timeout).
//
// Thread safety: as httplib::Server; each connection is served by one worker thread.
//
//   HttpServer http;
//   http.Get("/ping", [](const httplib::Request&, httplib::Response& res) { res.body = "ok"; });
//   http.listen("127.0.0.1", 8080);
#pragma once

#include <httplib.h>

namespace es::serve {

class HttpServer : public httplib::Server {
 private:
  bool process_and_close_socket(socket_t sock) override;
};

}  // namespace es::serve
