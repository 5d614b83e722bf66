// The inside of `es serve`: what every route handler shares, and how routes are registered
// (one file per group of routes: routes_write.cc, routes_read.cc, routes_subscribe.cc,
// routes_admin.cc). Not part of any public API.
//
// Thread safety: Api is shared by every worker; its members are thread-safe or guarded.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "aggregate_views.h"
#include "auth.h"
#include "es/projection/checkpoint_store.h"
#include "es/projection/dead_letter_store.h"
#include "es/store/event_store.h"
#include "json_text.h"
#include "metrics.h"
#include "projection_lag.h"
#include "rate_limit.h"
#include "server.h"

namespace es::serve {

using cli::Json;

struct Api {
  ServeOptions options;
  std::unique_ptr<EventStore> store;
  std::unique_ptr<CheckpointStore> checkpoints;   // null for memory:
  std::unique_ptr<DeadLetterStore> dead_letters;  // null for memory:
  std::optional<TokenTable> tokens;               // nullopt: open server
  Metrics metrics;
  std::optional<RateLimiter> rate_limiter;  // nullopt: no --rate-limit
  AggregateViews views;
  std::stop_source stopping;  // requested by Server::stop(): subscriptions end

  std::mutex lag_mutex;  // the counter is used by one thread at a time
  std::optional<cli::LagCounter> lag;

  // The store as `principal` sees it: the whole store, or a tenant-scoped handle (made once per
  // tenant and kept).
  Result<EventStore*> store_for(const Principal* principal);

 private:
  std::mutex tenants_mutex_;
  std::map<std::string, std::unique_ptr<EventStore>, std::less<>> tenant_stores_;
};

// What a handler gets besides the request: the store to use and who asked (null when the server
// runs without tokens).
struct Call {
  EventStore& store;
  const Principal* principal;
};

using Handler = std::function<void(const httplib::Request&, httplib::Response&, Call&)>;

enum class Method : std::uint8_t { kGet, kPost };

// The checks every route makes before its handler runs: the bearer token (401 without a known
// one, 403 when its role is below `needed`, or when `whole_store_only` and the token has a
// tenant), then the rate limit (429 with Retry-After when the caller's bucket is empty). Returns
// who calls and the store they see, or nullopt once the refusal is in `res`.
std::optional<Call> admit_call(Api& api, const httplib::Request& req, httplib::Response& res,
                               Role needed, bool whole_store_only);

// Registers `handler` for `pattern` (an httplib regex), to run once admit_call() let the request
// through. An exception becomes a 500 JSON error.
void add_route(Api& api, httplib::Server& server, Method method, const std::string& pattern,
               Role needed, bool whole_store_only, Handler handler);

// Responses: JSON bodies, and errors as {"error":{"code","message"}} with a matching status.
void send_json(httplib::Response& res, const Json& body, int status = 200);
// A body already written as JSON text (JsonWriter), for routes that build no document.
void send_json_text(httplib::Response& res, const std::string& body, int status = 200);
void send_error(httplib::Response& res, int http_status, std::string_view code,
                std::string_view message);
// The HTTP status and code of a library status (a conflict adds "expected" and "actual").
void send_error(httplib::Response& res, const Status& status);

// Query parameters. Errors are kInvalidArgument naming the parameter.
Result<std::uint64_t> limit_param(const httplib::Request& req, std::uint64_t fallback,
                                  std::uint64_t max);
Result<Position> position_param(const httplib::Request& req, const std::string& name);
// Every value of `name`, each split at commas: ?type=a&type=b,c -> {a, b, c}.
std::vector<std::string> list_param(const httplib::Request& req, const std::string& name);

// An event as `es read` prints it (tools/es/event_json.h).
Json event_json(const RecordedEvent& event);

void add_write_routes(Api& api, httplib::Server& server);
void add_read_routes(Api& api, httplib::Server& server);
void add_subscribe_route(Api& api, httplib::Server& server);
void add_admin_routes(Api& api, httplib::Server& server);

// The OpenAPI 3 description of every route (GET /openapi.json).
Json openapi_document();

}  // namespace es::serve
