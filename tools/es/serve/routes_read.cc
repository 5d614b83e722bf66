// GET routes over the events: streams, one stream, the global feed, stats and the aggregate
// history views.
#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "api.h"
#include "es/core/time.h"
#include "event_json.h"

namespace es::serve {
namespace {

constexpr std::uint64_t kDefaultLimit = 100;
constexpr std::uint64_t kMaxLimit = 1000;

bool in_category(std::string_view stream, std::string_view category) {
  return stream.substr(0, stream.find('-')) == category;
}

void list_streams(const httplib::Request& req, httplib::Response& res, Call& call) {
  auto limit = limit_param(req, kDefaultLimit, kMaxLimit);
  if (!limit) return send_error(res, limit.error());
  const std::string category = req.get_param_value("category");
  ListStreamsOptions options;
  options.after = req.get_param_value("after");
  options.prefix = req.get_param_value("prefix");
  if (!category.empty() && options.prefix.empty()) options.prefix = category;
  options.max_count = *limit + 1;  // one more tells whether there is a next page
  Json streams = Json::array();
  bool more = false;
  while (streams.size() <= *limit) {
    auto page = call.store.list_streams(options);
    if (!page) return send_error(res, page.error());
    for (const StreamInfo& info : *page) {
      if (!category.empty() && !in_category(info.stream, category)) continue;
      if (streams.size() == *limit) {
        more = true;
        break;
      }
      streams.push_back(cli::stream_info_json(info));
    }
    if (more || page->size() < options.max_count) break;
    options.after = page->back().stream;
  }
  const Json next = more ? Json(streams.back()["stream"]) : Json(nullptr);
  send_json(res, Json{{"streams", std::move(streams)}, {"next", next}});
}

void read_stream(Api& api, const httplib::Request& req, httplib::Response& res, Call& call) {
  auto limit = limit_param(req, kDefaultLimit, kMaxLimit);
  if (!limit) return send_error(res, limit.error());
  ReadStreamOptions options;
  options.max_count = *limit;
  if (const std::string from = req.get_param_value("from"); !from.empty()) {
    try {
      std::size_t used = 0;
      options.from_version = std::stoll(from, &used);
      if (used != from.size() || *options.from_version < 0) throw std::invalid_argument(from);
    } catch (const std::exception&) {
      return send_error(res, 400, "invalid_argument",
                        fmt::format("from '{}' must be a version >= 0", from));
    }
  }
  const std::string direction = req.get_param_value("direction");
  if (direction == "backward") {
    options.direction = Direction::kBackward;
  } else if (!direction.empty() && direction != "forward") {
    return send_error(res, 400, "invalid_argument",
                      fmt::format("direction '{}' must be forward or backward", direction));
  }
  if (const std::string as_of = req.get_param_value("as_of"); !as_of.empty()) {
    auto time = parse_time(as_of);
    if (!time) {
      return send_error(res, 400, "invalid_argument",
                        fmt::format("as_of '{}' is not a time (RFC 3339, UTC)", as_of));
    }
    options.as_of = *time;
  }
  auto slice = call.store.read_stream(req.matches[1].str(), options);
  if (!slice) return send_error(res, slice.error());
  Json events = Json::array();
  for (const RecordedEvent& e : slice->events) events.push_back(event_json(e));
  api.metrics.events_read(slice->events.size());
  const Json next = slice->end ? Json(nullptr) : Json(slice->next_version);
  send_json(res, Json{{"events", std::move(events)}, {"next", next}});
}

void read_all(Api& api, const httplib::Request& req, httplib::Response& res, Call& call) {
  auto limit = limit_param(req, kDefaultLimit, kMaxLimit);
  if (!limit) return send_error(res, limit.error());
  auto after = position_param(req, "after");
  if (!after) return send_error(res, after.error());
  ReadAllOptions options{.from = *after, .max_count = *limit};
  options.filter.types = list_param(req, "type");
  options.filter.categories = list_param(req, "category");
  options.filter.stream_prefix = req.get_param_value("prefix");
  auto page = call.store.read_all(options);
  if (!page) return send_error(res, page.error());
  Json events = Json::array();
  for (const RecordedEvent& e : page->events) events.push_back(event_json(e));
  api.metrics.events_read(page->events.size());
  send_json(
      res,
      Json{{"events", std::move(events)}, {"next", page->next.to_string()}, {"end", page->end}});
}

void aggregate_history(Api& api, const httplib::Request& req, httplib::Response& res, Call& call) {
  const AggregateView* view = api.views.find(req.matches[1].str());
  if (view == nullptr) {
    return send_error(res, 404, "not_found",
                      fmt::format("no aggregate view named '{}'", req.matches[1].str()));
  }
  const std::string id = req.matches[2].str();
  const std::string stream = view->category + "-" + id;
  Json steps = Json::array();
  const Status s = view->history(call.store, id, [&](const RecordedEvent& e, Json state) {
    Json step = Json::object();
    step["version"] = e.version;
    step["position"] = e.position.to_string();
    step["recorded_at"] = format_time(e.recorded_at);
    step["event"] = event_json(e);
    step["state"] = std::move(state);
    steps.push_back(std::move(step));
  });
  if (!s.is_ok()) return send_error(res, s);
  if (steps.empty()) {
    return send_error(res, 404, "not_found", fmt::format("stream '{}' has no events", stream));
  }
  api.metrics.events_read(steps.size());
  send_json(res, Json{{"stream", stream}, {"aggregate", view->name}, {"steps", std::move(steps)}});
}

}  // namespace

void add_read_routes(Api& api, httplib::Server& server) {
  add_route(api, server, Method::kGet, "/api/streams", Role::kRead, false, list_streams);
  add_route(api, server, Method::kGet, R"(/api/streams/(.+))", Role::kRead, false,
            [&api](const httplib::Request& req, httplib::Response& res, Call& call) {
              read_stream(api, req, res, call);
            });
  add_route(api, server, Method::kGet, "/api/all", Role::kRead, false,
            [&api](const httplib::Request& req, httplib::Response& res, Call& call) {
              read_all(api, req, res, call);
            });
  add_route(api, server, Method::kGet, "/api/stats", Role::kRead, false,
            [](const httplib::Request&, httplib::Response& res, Call& call) {
              auto stats = call.store.stats();
              if (!stats) return send_error(res, stats.error());
              auto head = call.store.head_position();
              if (!head) return send_error(res, head.error());
              send_json(res, cli::stats_json(*stats, *head));
            });
  add_route(api, server, Method::kGet, "/api/aggregates", Role::kRead, false,
            [&api](const httplib::Request&, httplib::Response& res, Call&) {
              Json list = Json::array();
              for (const AggregateView& view : api.views.all()) {
                list.push_back(Json{{"name", view.name}, {"category", view.category}});
              }
              send_json(res, list);
            });
  add_route(api, server, Method::kGet, R"(/api/aggregates/([^/]+)/(.+)/history)", Role::kRead,
            false, [&api](const httplib::Request& req, httplib::Response& res, Call& call) {
              aggregate_history(api, req, res, call);
            });
}

}  // namespace es::serve
