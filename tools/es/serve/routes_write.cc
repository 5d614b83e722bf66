// POST /api/streams/{stream} and POST /api/batch: appends with an expected version, idempotent
// event ids and atomic multi-stream batches. Every event of a request is checked before anything
// is written: a refused request changes nothing. A valid W3C `traceparent` request header goes
// into the metadata of every event that names none, so the store's spans and everything the
// events cause join the caller's trace.
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "api.h"
#include "es/core/traceparent.h"
#include "es/domain/json_reader.h"
#include "input_event.h"
#include "stream_append.h"

namespace es::serve {
namespace {

// Keys of an NDJSON input line that an HTTP event must not carry: the request says them.
constexpr std::array<std::string_view, 6> kRequestKeys = {"stream", "expected", "version",
                                                          "tenant", "position", "recorded_at"};

// "any", "no_stream" (or "no-stream"), "exists" (or "stream_exists"), or a version N >= 0.
Result<ExpectedVersion> parse_expected(const Json* value, std::string_view where) {
  if (value == nullptr) return ExpectedVersion::any();
  if (value->is_number_unsigned()) {
    return ExpectedVersion::exact(static_cast<std::int64_t>(value->get<std::uint64_t>()));
  }
  if (value->is_string()) {
    std::string text = value->get<std::string>();
    if (text == "no_stream") text = "no-stream";
    if (text == "stream_exists") text = "exists";
    if (auto parsed = ExpectedVersion::parse(text)) return *parsed;
  }
  return Status::invalid_argument(fmt::format(
      "{}\"expected\" must be \"any\", \"no_stream\", \"exists\" or a version >= 0", where));
}

// The request's traceparent header in its version-00 form, or empty when there is none or it is
// invalid (which the specification tells a receiver to ignore).
std::string request_traceparent(const httplib::Request& req) {
  if (!req.has_header("traceparent")) return {};
  const auto parsed = Traceparent::parse(req.get_header_value("traceparent"));
  return parsed ? parsed->to_string() : std::string();
}

// Puts `traceparent` into the metadata of `event` (given as `json`) unless it names one already.
void add_traceparent(const Json& json, const std::string& traceparent, EventData& event) {
  const auto metadata = json.find("metadata");
  if (metadata == json.end() || metadata->is_null()) {
    event.metadata = cli::dump(Json{{"traceparent", traceparent}});
  } else if (metadata->is_object() && !metadata->contains("traceparent")) {
    Json merged = *metadata;
    merged["traceparent"] = traceparent;
    event.metadata = cli::dump(merged);
  }
}

// Fills `out` from {"expected"?, "events": [...]}; `budget` is the events the request may still
// carry. On too many events, `too_many` is set. `traceparent` (may be empty) goes into each event
// whose metadata names none.
Status parse_stream_append(const Json& body, std::string_view where, const std::string& traceparent,
                           std::size_t& budget, bool& too_many, StreamAppend& out) {
  const auto expected_it = body.find("expected");
  auto expected = parse_expected(expected_it == body.end() ? nullptr : &*expected_it, where);
  if (!expected) return expected.error();
  out.expected = *expected;
  const auto events = body.find("events");
  if (events == body.end() || !events->is_array() || events->empty()) {
    return Status::invalid_argument(fmt::format("{}\"events\" must be a non-empty array", where));
  }
  if (events->size() > budget) {
    too_many = true;
    return Status::invalid_argument("too many events");
  }
  budget -= events->size();
  for (std::size_t i = 0; i < events->size(); ++i) {
    const Json& event = (*events)[i];
    const std::string at = fmt::format("{}events[{}]", where, i);
    if (!event.is_object()) {
      return Status::invalid_argument(fmt::format("{}: an event must be a JSON object", at));
    }
    for (const std::string_view key : kRequestKeys) {
      if (event.contains(key)) {
        return Status::invalid_argument(
            fmt::format("{}: \"{}\" is not a field of an appended event", at, key));
      }
    }
    auto parsed = cli::input_event_from_json(event, at);
    if (!parsed) return parsed.error();
    if (!traceparent.empty()) add_traceparent(event, traceparent, parsed->event);
    out.events.push_back(std::move(parsed->event));
  }
  return Status::ok();
}

// {"stream","first_version","last_version","first_position","position"}, written without a
// JSON document in between: it is the whole response of the hottest route.
void write_result(const StreamAppend& request, const AppendResult& result, JsonWriter& out) {
  out.begin_object();
  out.key("stream");
  out.write(request.stream);
  out.comma();
  out.key("first_version");
  out.write(result.first_version);
  out.comma();
  out.key("last_version");
  out.write(result.last_version);
  out.comma();
  out.key("first_position");
  out.write(result.first_position.to_string());
  out.comma();
  out.key("position");
  out.write(result.last_position.to_string());
  out.end_object();
}

// Appends `requests` atomically and answers {"results": [one per request]}.
void append_batch_and_respond(Api& api, Call& call, httplib::Response& res,
                              const std::vector<StreamAppend>& requests) {
  std::vector<AppendRequest> appends;
  std::uint64_t events = 0;
  for (const StreamAppend& r : requests) {
    appends.push_back({.stream = r.stream, .expected = r.expected, .events = r.events});
    events += r.events.size();
  }
  const auto started = std::chrono::steady_clock::now();
  auto results = call.store.append(appends);
  if (!results) {
    if (results.error().code() == StatusCode::kConflict) api.metrics.append_conflict();
    return send_error(res, results.error());
  }
  api.metrics.append_done(std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - started),
                          events);
  std::string body;
  JsonWriter out(body);
  out.begin_object();
  out.key("results");
  out.begin_array();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i > 0) out.comma();
    write_result(requests[i], (*results)[i], out);
  }
  out.end_array();
  out.end_object();
  send_json_text(res, body);
}

// The request body as a JSON object; nullopt once an error was sent.
std::optional<Json> object_body(const httplib::Request& req, httplib::Response& res) {
  auto body = cli::parse_json(req.body, "body");
  if (!body) {
    send_error(res, body.error());
    return std::nullopt;
  }
  if (!body->is_object()) {
    send_error(res, 400, "invalid_argument", "the body must be a JSON object");
    return std::nullopt;
  }
  return std::move(*body);
}

void send_parse_error(const Api& api, httplib::Response& res, const Status& status, bool too_many) {
  if (!too_many) return send_error(res, status);
  send_error(res, 413, "too_large",
             fmt::format("a request may carry at most {} events (--max-events)",
                         api.options.max_events_per_request));
}

}  // namespace

std::optional<PreparedAppend> prepare_stream_append(Api& api, const httplib::Request& req,
                                                    std::string stream, httplib::Response& res) {
  try {
    auto call = admit_call(api, req, res, Role::kWrite, /*whole_store_only=*/false);
    if (!call) return std::nullopt;
    auto body = object_body(req, res);
    if (!body) return std::nullopt;
    PreparedAppend prepared{.store = &call->store, .append = {.stream = std::move(stream)}};
    std::size_t budget = api.options.max_events_per_request;
    bool too_many = false;
    const Status s =
        parse_stream_append(*body, "", request_traceparent(req), budget, too_many, prepared.append);
    if (!s.is_ok()) {
      send_parse_error(api, res, s, too_many);
      return std::nullopt;
    }
    return prepared;
  } catch (const std::exception& e) {
    send_error(res, 500, "internal", e.what());
    return std::nullopt;
  }
}

void respond_stream_append(Api& api, const PreparedAppend& prepared,
                           const Result<AppendResult>& outcome, std::chrono::microseconds took,
                           httplib::Response& res) {
  if (!outcome) {
    if (outcome.error().code() == StatusCode::kConflict) api.metrics.append_conflict();
    return send_error(res, outcome.error());
  }
  api.metrics.append_done(took, prepared.append.events.size());
  std::string body;
  JsonWriter out(body);
  write_result(prepared.append, *outcome, out);
  send_json_text(res, body);
}

void add_write_routes(Api& api, httplib::Server& server) {
  server.Post(R"(/api/streams/(.+))", [&api](const httplib::Request& req, httplib::Response& res) {
    auto prepared = prepare_stream_append(api, req, req.matches[1].str(), res);
    if (!prepared) return;
    const auto started = std::chrono::steady_clock::now();
    const auto outcome = prepared->store->append(prepared->append.stream, prepared->append.expected,
                                                 prepared->append.events);
    respond_stream_append(api, *prepared, outcome,
                          std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - started),
                          res);
  });

  add_route(api, server, Method::kPost, "/api/batch", Role::kWrite, false,
            [&api](const httplib::Request& req, httplib::Response& res, Call& call) {
              auto body = object_body(req, res);
              if (!body) return;
              const auto appends = body->find("appends");
              if (appends == body->end() || !appends->is_array() || appends->empty()) {
                return send_error(res, 400, "invalid_argument",
                                  "\"appends\" must be a non-empty array");
              }
              std::vector<StreamAppend> requests(appends->size());
              std::size_t budget = api.options.max_events_per_request;
              bool too_many = false;
              const std::string traceparent = request_traceparent(req);
              for (std::size_t i = 0; i < appends->size(); ++i) {
                const Json& entry = (*appends)[i];
                const std::string where = fmt::format("appends[{}].", i);
                const auto stream = entry.is_object() ? entry.find("stream") : entry.end();
                if (!entry.is_object() || stream == entry.end() || !stream->is_string()) {
                  return send_error(res, 400, "invalid_argument",
                                    fmt::format("{}stream must be a string", where));
                }
                requests[i].stream = stream->get<std::string>();
                const Status s =
                    parse_stream_append(entry, where, traceparent, budget, too_many, requests[i]);
                if (!s.is_ok()) return send_parse_error(api, res, s, too_many);
              }
              append_batch_and_respond(api, call, res, requests);
            });
}

}  // namespace es::serve
