// GET /api/subscribe: the global feed as Server-Sent Events, catch-up then live. Each event is
//   id: POSITION
//   event: event
//   data: <the event as JSON, one line>
// A client that reconnects sends the last id it saw as Last-Event-ID and resumes after it;
// without one, ?after=POSITION (default: the beginning). Filters: type, category, prefix.
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <string>

#include "api.h"

namespace es::serve {
namespace {

constexpr std::uint64_t kPageSize = 100;
// How long an idle subscription waits before it sends a comment line: this keeps proxies from
// closing it and notices a client that went away.
constexpr std::chrono::milliseconds kKeepAlive{10'000};

struct Subscription {
  EventStore* store = nullptr;
  ReadAllOptions options;
};

std::string frame(const RecordedEvent& e) {
  return fmt::format("id: {}\nevent: event\ndata: {}\n\n", e.position.to_string(),
                     cli::dump(event_json(e)));
}

}  // namespace

void add_subscribe_route(Api& api, httplib::Server& server) {
  add_route(api, server, Method::kGet, "/api/subscribe", Role::kRead, false,
            [&api](const httplib::Request& req, httplib::Response& res, Call& call) {
              auto after = position_param(req, "after");
              if (!after) return send_error(res, after.error());
              if (req.has_header("Last-Event-ID")) {
                auto resumed = Position::parse(req.get_header_value("Last-Event-ID"));
                if (!resumed) {
                  return send_error(res, 400, "invalid_argument",
                                    "the Last-Event-ID header is not a position");
                }
                after = *resumed;
              }
              auto sub = std::make_shared<Subscription>();
              sub->store = &call.store;
              sub->options.from = *after;
              sub->options.max_count = kPageSize;
              sub->options.filter.types = list_param(req, "type");
              sub->options.filter.categories = list_param(req, "category");
              sub->options.filter.stream_prefix = req.get_param_value("prefix");
              if (!api.metrics.subscriber_joined(
                      static_cast<std::int64_t>(api.options.max_subscribers))) {
                res.set_header("Retry-After", "1");
                return send_error(
                    res, 503, "unavailable",
                    fmt::format("{} subscriptions are open, the most allowed (--max-subscribers)",
                                api.options.max_subscribers));
              }
              res.set_header("Cache-Control", "no-cache");
              res.set_chunked_content_provider(
                  "text/event-stream",
                  [&api, sub](std::size_t, httplib::DataSink& sink) {
                    if (api.stopping.stop_requested()) {
                      sink.done();
                      return true;
                    }
                    auto page = sub->store->read_all(sub->options);
                    if (!page) {
                      const std::string error = fmt::format(
                          "event: error\ndata: {}\n\n",
                          cli::dump(Json{{"code", status_code_name(page.error().code())},
                                         {"message", page.error().message()}}));
                      sink.write(error.data(), error.size());
                      sink.done();
                      return true;
                    }
                    sub->options.from = page->next;
                    if (!page->events.empty()) {
                      std::string out;
                      for (const RecordedEvent& e : page->events) out += frame(e);
                      api.metrics.events_read(page->events.size());
                      return sink.write(out.data(), out.size());
                    }
                    if (!page->end) return true;
                    auto head = sub->store->wait_for_append(sub->options.from, kKeepAlive,
                                                            api.stopping.get_token());
                    if (head && *head > sub->options.from) return true;
                    static constexpr std::string_view kPing = ":\n\n";
                    return sink.write(kPing.data(), kPing.size());
                  },
                  [&api](bool) { api.metrics.subscriber_left(); });
            });
}

}  // namespace es::serve
