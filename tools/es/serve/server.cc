#include "server.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>
#include <thread>

#include "api.h"
#include "es/store/open.h"
#include "explorer_assets.h"
#include "http_server.h"
#include "open_store.h"

namespace es::serve {

struct Server::State {
  Api api;
  HttpServer http;
  std::thread listener;
  int port = 0;
  socket_t listen_socket = INVALID_SOCKET;  // recorded as httplib creates it
};

Server::Server(std::unique_ptr<State> state) : state_(std::move(state)) {}

Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::open(const ServeOptions& options) {
  auto state = std::make_unique<State>();
  Api& api = state->api;
  api.options = options;
  const std::size_t threads = std::max<std::size_t>(options.threads, 2);
  if (api.options.max_subscribers == 0) api.options.max_subscribers = threads / 2;
  if (!options.tokens.empty()) {
    auto tokens = TokenTable::load(options.tokens);
    if (!tokens) return tokens.error();
    api.tokens = std::move(*tokens);
  }
  const cli::GlobalOptions global{.db = options.db};
  auto store = cli::open_store(global, cli::Access::kWrite);
  if (!store) return store.error();
  api.store = std::move(*store);
  if (!cli::sqlite_file(options.db).empty() || cli::is_postgres_url(options.db)) {
    auto checkpoints = cli::open_checkpoints(global, "es serve");
    if (!checkpoints) return checkpoints.error();
    api.checkpoints = std::move(*checkpoints);
    auto letters = cli::open_dead_letters(global, "es serve");
    if (!letters) return letters.error();
    api.dead_letters = std::move(*letters);
    auto lag = cli::LagCounter::open(global, *api.store);
    if (!lag) return lag.error();
    api.lag.emplace(std::move(*lag));
  }
  api.views = default_aggregate_views();
  if (options.rate_limit.per_second > 0) api.rate_limiter.emplace(options.rate_limit);

  httplib::Server& http = state->http;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_keep_alive_max_count(1'000'000);
  // Small responses go out at once: with Nagle a response written in two parts waits for the
  // client's delayed ACK (40 ms on Linux).
  http.set_tcp_nodelay(true);
  // httplib (0.11) listens with a backlog of 5: a burst of new connections overflows it and the
  // kernel drops their SYNs, which the clients resend after a second. start() raises it.
  http.set_socket_options([&s = *state](socket_t sock) {
    httplib::default_socket_options(sock);
    s.listen_socket = sock;
  });
  http.set_payload_max_length(options.max_body_bytes);
  http.set_error_handler([&api](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      return send_error(res, 413, "too_large",
                        fmt::format("the body is larger than {} bytes (--max-body-bytes)",
                                    api.options.max_body_bytes));
    }
    if (res.status == 404) return send_error(res, 404, "not_found", "no such route");
    send_error(res, res.status, "http_error", fmt::format("HTTP status {}", res.status));
  });
  // Counted before the response is written (a logger runs after), so a client that has its
  // response sees it counted.
  http.set_post_routing_handler([&api](const httplib::Request&, httplib::Response& res) {
    api.metrics.http_response(res.status);
  });
  add_write_routes(api, http);
  add_read_routes(api, http);
  add_subscribe_route(api, http);
  add_admin_routes(api, http);
  cli::register_explorer(http);
  return std::unique_ptr<Server>(new Server(std::move(state)));
}

Status Server::start() {
  State& s = *state_;
  const ServeOptions& options = s.api.options;
  if (options.port == 0) {
    s.port = s.http.bind_to_any_port(options.bind);
  } else if (s.http.bind_to_port(options.bind, options.port)) {
    s.port = options.port;
  }
  if (s.port <= 0) {
    s.port = 0;
    return Status::unavailable(fmt::format("cannot listen on {}:{}", options.bind, options.port));
  }
  // On Linux, listen() again on a listening socket sets its backlog.
  ::listen(s.listen_socket, SOMAXCONN);
  s.listener = std::thread([&s] { s.http.listen_after_bind(); });
  return Status::ok();
}

int Server::port() const { return state_->port; }

void Server::stop() {
  State& s = *state_;
  s.api.stopping.request_stop();
  if (s.listener.joinable()) {
    s.http.stop();
    s.listener.join();
  }
}

}  // namespace es::serve
