// `es serve`: the HTTP JSON API over one store, with Server-Sent Events subscriptions, bearer
// tokens, limits, /metrics and /openapi.json (docs/http.md has the routes and their shapes).
//
// Thread safety: start() and stop() from one thread; requests are read on one event-loop thread,
// appends committed on another, and every other request served by a pool of `threads` workers
// (front_end.h). stop() ends open subscriptions and waits for the workers.
//
//   auto server = es::serve::Server::open({.db = "events.db", .port = 0});
//   if (!server || !(*server)->start().is_ok()) return 1;
//   std::cout << (*server)->port();
//   (*server)->stop();
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "es/core/result.h"
#include "rate_limit.h"

namespace es::serve {

struct ServeOptions {
  std::string db = "./events.db";  // the store, as --db names it (es::open)
  std::string bind = "127.0.0.1";  // listen address
  int port = 2113;                 // 0: any free port (see Server::port())
  std::string tokens;              // token file (auth.h); empty: no authentication
  // Worker threads for the requests that are not appends to one stream (front_end.h): each holds
  // one while it is served, a subscription for as long as it is open. Appends and idle
  // connections hold none.
  std::size_t threads = 64;
  // Open subscriptions allowed at once (more: 503); 0: half of `threads`, so that subscribers
  // cannot take every worker from the rest of the API.
  std::size_t max_subscribers = 0;
  RateLimit rate_limit;  // per token, or per client address without tokens; off by default
  std::size_t max_body_bytes = std::size_t{8} << 20;  // larger bodies: 413 too_large
  std::size_t max_events_per_request = 1000;          // more events: 413 too_large
};

class Server {
 public:
  // Opens the store (created if absent), its checkpoints and dead letters, and the token file.
  static Result<std::unique_ptr<Server>> open(const ServeOptions& options);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();  // stops

  // Binds and serves on a thread of its own; kUnavailable when the address cannot be bound.
  Status start();
  // The bound port (the chosen one when options.port was 0); 0 before start().
  [[nodiscard]] int port() const;
  void stop();

 private:
  struct State;
  explicit Server(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace es::serve
