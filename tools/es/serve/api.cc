#include "api.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <exception>

#include "es/store/tenant_store.h"
#include "event_json.h"

namespace es::serve {
namespace {

// The bearer token of the request: the Authorization header, or ?access_token= for clients that
// cannot set headers (a browser's EventSource).
std::string_view bearer_token(const httplib::Request& req) {
  const auto header = req.headers.find("Authorization");
  if (header != req.headers.end()) {
    std::string_view value = header->second;
    if (value.starts_with("Bearer ")) return value.substr(7);
    return {};
  }
  const auto param = req.params.find("access_token");
  return param == req.params.end() ? std::string_view() : std::string_view(param->second);
}

// Who may call: nullopt after an error response was sent.
std::optional<const Principal*> authorize(const Api& api, const httplib::Request& req,
                                          httplib::Response& res, Role needed,
                                          bool whole_store_only) {
  if (!api.tokens) return nullptr;
  const std::string_view token = bearer_token(req);
  const Principal* principal = token.empty() ? nullptr : api.tokens->find(token);
  if (principal == nullptr) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "unauthorized",
               token.empty() ? "a bearer token is required (Authorization: Bearer TOKEN)"
                             : "the bearer token is not known");
    return std::nullopt;
  }
  if (!allows(principal->role, needed)) {
    send_error(res, 403, "forbidden",
               fmt::format("this needs the {} role; the token has {}", role_name(needed),
                           role_name(principal->role)));
    return std::nullopt;
  }
  if (whole_store_only && !principal->tenant.empty()) {
    send_error(res, 403, "forbidden", "this covers the whole store; the token is tenant-scoped");
    return std::nullopt;
  }
  return principal;
}

// Whether the caller's rate limit lets the request through; false after a 429 was sent.
bool admit(Api& api, const httplib::Request& req, httplib::Response& res,
           const Principal* principal) {
  if (!api.rate_limiter) return true;
  const std::string client =
      principal != nullptr ? fmt::format("token@{}", principal->line) : req.remote_addr;
  const auto wait = api.rate_limiter->take(client);
  if (!wait) return true;
  api.metrics.rate_limited();
  const auto seconds =
      std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(*wait).count());
  res.set_header("Retry-After", std::to_string(seconds));
  send_error(res, 429, "rate_limited",
             fmt::format("more than {} requests/s (--rate-limit); retry in {} s",
                         api.options.rate_limit.per_second, seconds));
  return false;
}

}  // namespace

Result<EventStore*> Api::store_for(const Principal* principal) {
  if (principal == nullptr || principal->tenant.empty()) return store.get();
  const std::lock_guard lock(tenants_mutex_);
  auto it = tenant_stores_.find(principal->tenant);
  if (it == tenant_stores_.end()) {
    auto scoped = scope_to_tenant(*store, principal->tenant);
    if (!scoped) return scoped.error();
    it = tenant_stores_.emplace(principal->tenant, std::move(*scoped)).first;
  }
  return it->second.get();
}

std::optional<Call> admit_call(Api& api, const httplib::Request& req, httplib::Response& res,
                               Role needed, bool whole_store_only) {
  const auto principal = authorize(api, req, res, needed, whole_store_only);
  if (!principal || !admit(api, req, res, *principal)) return std::nullopt;
  auto store = api.store_for(*principal);
  if (!store) {
    send_error(res, store.error());
    return std::nullopt;
  }
  return Call{**store, *principal};
}

void add_route(Api& api, httplib::Server& server, Method method, const std::string& pattern,
               Role needed, bool whole_store_only, Handler handler) {
  auto guarded = [&api, needed, whole_store_only, handler = std::move(handler)](
                     const httplib::Request& req, httplib::Response& res) {
    try {
      auto call = admit_call(api, req, res, needed, whole_store_only);
      if (call) handler(req, res, *call);
    } catch (const std::exception& e) {
      send_error(res, 500, "internal", e.what());
    }
  };
  if (method == Method::kGet) {
    server.Get(pattern, std::move(guarded));
  } else {
    server.Post(pattern, std::move(guarded));
  }
}

void send_json(httplib::Response& res, const Json& body, int status) {
  send_json_text(res, cli::dump(body), status);
}

void send_json_text(httplib::Response& res, const std::string& body, int status) {
  res.status = status;
  res.set_content(body, "application/json");
}

void send_error(httplib::Response& res, int http_status, std::string_view code,
                std::string_view message) {
  Json error = Json::object();
  error["code"] = code;
  error["message"] = message;
  send_json(res, Json{{"error", std::move(error)}}, http_status);
}

void send_error(httplib::Response& res, const Status& status) {
  int http = 500;
  std::string_view code = status_code_name(status.code());
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      http = 400;
      break;
    case StatusCode::kNotFound:
      http = 404;
      break;
    case StatusCode::kConflict:
    case StatusCode::kAlreadyExists:
      http = 409;
      break;
    case StatusCode::kStreamDeleted:
      http = 410;
      break;
    case StatusCode::kPermissionDenied:
      http = 403;
      code = "forbidden";
      break;
    case StatusCode::kRejected:
      http = 422;
      break;
    case StatusCode::kUnavailable:
      http = 503;
      break;
    default:
      break;
  }
  Json error = Json::object();
  error["code"] = code;
  error["message"] = status.message();
  if (const VersionConflict* conflict = status.conflict()) {
    error["stream"] = conflict->stream;
    error["expected"] = conflict->expected;
    error["actual"] = conflict->actual;
  }
  send_json(res, Json{{"error", std::move(error)}}, http);
}

Result<std::uint64_t> limit_param(const httplib::Request& req, std::uint64_t fallback,
                                  std::uint64_t max) {
  if (!req.has_param("limit")) return fallback;
  const std::string text = req.get_param_value("limit");
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > max) {
    return Status::invalid_argument(
        fmt::format("limit '{}' must be an integer from 1 to {}", text, max));
  }
  return value;
}

Result<Position> position_param(const httplib::Request& req, const std::string& name) {
  if (!req.has_param(name.c_str())) return Position::start();
  const std::string text = req.get_param_value(name.c_str());
  if (text.empty()) return Position::start();
  auto position = Position::parse(text);
  if (!position) {
    return Status::invalid_argument(fmt::format("{} '{}' is not a position", name, text));
  }
  return *position;
}

std::vector<std::string> list_param(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> values;
  const std::size_t count = req.get_param_value_count(name.c_str());
  for (std::size_t i = 0; i < count; ++i) {
    const std::string all = req.get_param_value(name.c_str(), i);
    std::size_t start = 0;
    while (start <= all.size()) {
      const std::size_t comma = std::min(all.find(',', start), all.size());
      if (comma > start) values.push_back(all.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return values;
}

Json event_json(const RecordedEvent& event) {
  return cli::event_json(event, cli::PayloadMode::kReadable);
}

}  // namespace es::serve
