// Operations routes: GET /api/projections, /api/dlq, /metrics, /openapi.json and /healthz.
// Projections and dead letters cover the whole store, so a tenant-scoped token cannot see them.
#include <fmt/format.h>

#include <map>
#include <string>

#include "api.h"

namespace es::serve {
namespace {

// The checkpoints with their lag, or the error that stopped listing them.
Result<Json> projections_json(Api& api) {
  Json list = Json::array();
  if (!api.checkpoints) return list;
  auto checkpoints = api.checkpoints->list();
  if (!checkpoints) return checkpoints.error();
  auto head = api.store->head_position();
  if (!head) return head.error();
  const std::lock_guard lock(api.lag_mutex);
  for (const Checkpoint& checkpoint : *checkpoints) {
    auto behind = api.lag->events_after(checkpoint.position);
    if (!behind) return behind.error();
    list.push_back(cli::checkpoint_json(checkpoint, *head, *behind));
  }
  return list;
}

// Prometheus label values escape backslash, quote and newline.
std::string label(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The gauges read at each scrape: lag per subscription and dead letters per subscription.
Status append_store_gauges(Api& api, std::string& out) {
  auto projections = projections_json(api);
  if (!projections) return projections.error();
  out +=
      "# HELP es_subscription_lag_events Events stored after the subscription's checkpoint.\n"
      "# TYPE es_subscription_lag_events gauge\n";
  for (const Json& p : *projections) {
    out += fmt::format("es_subscription_lag_events{{name=\"{}\"}} {}\n",
                       label(p["name"].get<std::string>()), p["events_behind"].get<std::int64_t>());
  }
  out +=
      "# HELP es_dead_letters Events parked in the dead-letter store, by subscription.\n"
      "# TYPE es_dead_letters gauge\n";
  if (!api.dead_letters) return Status::ok();
  auto letters = api.dead_letters->list();
  if (!letters) return letters.error();
  std::map<std::string, std::uint64_t> depth;
  for (const DeadLetter& letter : *letters) ++depth[letter.subscription];
  for (const auto& [name, count] : depth) {
    out += fmt::format("es_dead_letters{{subscription=\"{}\"}} {}\n", label(name), count);
  }
  return Status::ok();
}

}  // namespace

void add_admin_routes(Api& api, httplib::Server& server) {
  add_route(api, server, Method::kGet, "/api/projections", Role::kRead, true,
            [&api](const httplib::Request&, httplib::Response& res, Call&) {
              auto list = projections_json(api);
              if (!list) return send_error(res, list.error());
              send_json(res, Json{{"projections", std::move(*list)}});
            });
  add_route(api, server, Method::kGet, "/api/dlq", Role::kRead, true,
            [&api](const httplib::Request& req, httplib::Response& res, Call&) {
              Json list = Json::array();
              if (api.dead_letters) {
                auto letters = api.dead_letters->list(req.get_param_value("subscription"));
                if (!letters) return send_error(res, letters.error());
                for (const DeadLetter& letter : *letters) {
                  list.push_back(cli::dead_letter_json(letter));
                }
              }
              send_json(res, Json{{"dead_letters", std::move(list)}});
            });
  add_route(api, server, Method::kGet, "/metrics", Role::kAdmin, true,
            [&api](const httplib::Request&, httplib::Response& res, Call&) {
              std::string text = api.metrics.render();
              if (const Status s = append_store_gauges(api, text); !s.is_ok()) {
                return send_error(res, s);
              }
              res.set_content(text, "text/plain; version=0.0.4");
            });
  server.Get("/openapi.json", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, openapi_document());
  });
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, Json{{"status", "ok"}});
  });
}

}  // namespace es::serve
