// POST /api/streams/{stream} in two halves: the checks that turn a request into an append, and
// the response to the append's outcome. The route (routes_write.cc) runs both around one
// append; the event loop (front_end.h) runs the first as requests arrive and the second once an
// EventStore::append_each() call ended for all of them. Both answer alike.
//
// Thread safety: as Api; a PreparedAppend belongs to one thread at a time.
#pragma once

#include <httplib.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "api.h"

namespace es::serve {

// One stream's part of an append request, with its events parsed.
struct StreamAppend {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::any();
  std::vector<EventData> events;
};

// A request that passed every check, and the store it appends to (the caller's tenant scope).
struct PreparedAppend {
  EventStore* store = nullptr;
  StreamAppend append;

  // Views into `append`.
  [[nodiscard]] AppendRequest request() const {
    return {.stream = append.stream, .expected = append.expected, .events = append.events};
  }
};

// Checks `req` as the route does (token and role, rate limit, body, events) for an append to
// `stream`: the append, or nullopt once the refusal is in `res`.
std::optional<PreparedAppend> prepare_stream_append(Api& api, const httplib::Request& req,
                                                    std::string stream, httplib::Response& res);

// Writes the response to `outcome` into `res` and counts it in the metrics; `took` is the
// append's latency as the caller saw it.
void respond_stream_append(Api& api, const PreparedAppend& prepared,
                           const Result<AppendResult>& outcome, std::chrono::microseconds took,
                           httplib::Response& res);

}  // namespace es::serve
