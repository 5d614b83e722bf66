// The httplib::Server of `es serve`. It does not listen: the event loop (front_end.h) owns the
// sockets and hands it a connection for one request at a time, with the bytes already read.
// cpp-httplib (0.11) parses, routes and writes that request and its response over a stream of
// this file: usually one recv and one send per request (the response head is held back and goes
// out with the body), where httplib's own socket stream makes about ten system calls. A streamed
// response (Server-Sent Events) goes out as it is written, and holds the connection until it
// ends.
//
// Thread safety: as httplib::Server; serve_one() may run on many threads, each with its own
// connection.
//
//   HttpServer http;
//   http.Get("/ping", [](const httplib::Request&, httplib::Response& res) { res.body = "ok"; });
//   auto served = http.serve_one(sock, std::move(already_read), peer);
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>

namespace es::serve {

class HttpServer : public httplib::Server {
 public:
  // The addresses of a connection, as its requests report them.
  struct Peer {
    std::string remote_ip;
    int remote_port = 0;
    std::string local_ip;
    int local_port = 0;
  };
  struct Served {
    bool keep_open = false;  // the connection may carry another request
    std::string unread;      // bytes received past the request (a pipelined next one)
  };

  // Serves the next request on `sock`, a non-blocking socket, of which `buffered` was already
  // read. Blocks (within the read and write timeouts) until the response is sent; the socket is
  // non-blocking again on return.
  Served serve_one(socket_t sock, std::string buffered, const Peer& peer);

  // Tells httplib the server runs (`listen_socket`) or stops (INVALID_SOCKET): a streamed
  // response goes on only while it runs.
  void set_listen_socket(socket_t listen_socket) { svr_sock_ = listen_socket; }

  [[nodiscard]] std::chrono::seconds keep_alive_timeout() const {
    return std::chrono::seconds(keep_alive_timeout_sec_);
  }
};

}  // namespace es::serve
