#include "server.h"

#include <fmt/format.h>

#include <algorithm>

#include "api.h"
#include "es/store/open.h"
#include "explorer_assets.h"
#include "front_end.h"
#include "http_server.h"
#include "open_store.h"

namespace es::serve {

struct Server::State {
  Api api;
  HttpServer http;
  std::unique_ptr<FrontEnd> front_end;  // from start()
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
  // A server runs for long and commits many appends at once: its WAL grows once, and each restart
  // of the WAL stalls every append in flight (docs/storage-sqlite.md, "Checkpoints").
  OpenOptions open_options;
  open_options.sqlite.wal_restart_pages = 2 * SqliteOptions{}.wal_restart_pages;
  auto store = cli::open_store(global, cli::Access::kWrite, open_options);
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
  // The front end keeps connections open as long as clients like; httplib's Keep-Alive header
  // should not say otherwise.
  http.set_keep_alive_max_count(1'000'000);
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
  auto front_end =
      std::make_unique<FrontEnd>(s.api, s.http, std::max<std::size_t>(options.threads, 2));
  ES_RETURN_IF_ERROR(front_end->listen(options.bind, options.port));
  front_end->start();
  s.front_end = std::move(front_end);
  return Status::ok();
}

int Server::port() const { return state_->front_end ? state_->front_end->port() : 0; }

void Server::stop() {
  State& s = *state_;
  s.api.stopping.request_stop();
  if (s.front_end) s.front_end->stop();
}

}  // namespace es::serve
