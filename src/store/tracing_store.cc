#include "es/store/tracing.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace es {
namespace {

// The valid "traceparent" member of a metadata object, if it has one. The substring test keeps
// the JSON parse off appends whose metadata cannot hold one.
std::optional<Traceparent> metadata_traceparent(std::string_view metadata) {
  if (metadata.find("\"traceparent\"") == std::string_view::npos) return std::nullopt;
  const auto json = nlohmann::json::parse(metadata, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  const auto member = json.find("traceparent");
  if (member == json.end() || !member->is_string()) return std::nullopt;
  return Traceparent::parse(member->get_ref<const std::string&>());
}

std::optional<Traceparent> batch_traceparent(std::span<const AppendRequest> batch) {
  for (const AppendRequest& request : batch) {
    for (const EventData& event : request.events) {
      if (auto parent = metadata_traceparent(event.metadata)) return parent;
    }
  }
  return std::nullopt;
}

std::uint64_t event_count(std::span<const AppendRequest> batch) {
  std::uint64_t n = 0;
  for (const AppendRequest& request : batch) n += request.events.size();
  return n;
}

// Ends the span (if the tracer made one) with an operation's outcome, or, when an exception
// (a visitor's, say) leaves the operation, with kInternal.
class Traced {
 public:
  explicit Traced(std::unique_ptr<Span> span) : span_(std::move(span)) {}
  Traced(Traced&&) noexcept = default;
  Traced& operator=(Traced&&) = delete;
  ~Traced() {
    if (span_) span_->end(Status::internal("the operation ended with an exception"), 0);
  }

  template <typename T>
  T end(T outcome, std::uint64_t events = 0) {
    if (span_) std::exchange(span_, nullptr)->end(status_of(outcome), events);
    return outcome;
  }

 private:
  static const Status& status_of(const Status& status) { return status; }
  template <typename T>
  static Status status_of(const Result<T>& result) {
    return result ? Status::ok() : result.error();
  }

  std::unique_ptr<Span> span_;
};

class TracingStore final : public EventStore {
 public:
  TracingStore(EventStore& inner, std::unique_ptr<EventStore> owned, std::shared_ptr<Tracer> tracer)
      : EventStore(inner.limits()),
        inner_(inner),
        owned_(std::move(owned)),
        tracer_(std::move(tracer)) {}

 protected:
  Result<std::vector<AppendResult>> do_append(std::span<const AppendRequest> batch) override {
    Traced span(tracer_->start({.operation = "append",
                                .stream = batch.front().stream,
                                .streams = batch.size(),
                                .parent = batch_traceparent(batch)}));
    auto results = inner_.append(batch);
    const std::uint64_t events = results ? event_count(batch) : 0;
    return span.end(std::move(results), events);
  }

  // One "append" span per request, as append() per request would make, all open while the
  // requests share the inner store's commits.
  std::vector<Result<AppendResult>> do_append_each(
      std::span<const AppendRequest> requests) override {
    std::vector<Traced> spans;
    spans.reserve(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const auto one = requests.subspan(i, 1);
      spans.emplace_back(tracer_->start({.operation = "append",
                                         .stream = requests[i].stream,
                                         .streams = 1,
                                         .parent = batch_traceparent(one)}));
    }
    std::vector<Result<AppendResult>> results = inner_.append_each(requests);
    for (std::size_t i = 0; i < results.size(); ++i) {
      const std::uint64_t events = results[i] ? requests[i].events.size() : 0;
      results[i] = spans[i].end(std::move(results[i]), events);
    }
    return results;
  }

  Result<std::vector<AppendResult>> do_import(std::span<const ImportGroup> groups) override {
    std::uint64_t streams = 0;
    std::uint64_t events = 0;
    for (const ImportGroup& group : groups) {
      streams += group.requests.size();
      events += event_count(group.requests);
    }
    Traced span(tracer_->start({.operation = "import", .streams = streams}));
    auto results = inner_.import(groups);
    if (!results) events = 0;
    return span.end(std::move(results), events);
  }

  Result<StreamCursor> do_read_stream(std::string_view stream, const ReadStreamOptions& options,
                                      const EventVisitor& visitor) override {
    Traced span(tracer_->start({.operation = "read_stream", .stream = stream, .streams = 1}));
    std::uint64_t events = 0;
    auto cursor = read_stream_of(inner_, stream, options, [&](const RecordedEvent& event) {
      ++events;
      return visitor(event);
    });
    return span.end(std::move(cursor), events);
  }

  Result<AllCursor> do_read_all(const ReadAllOptions& options,
                                const EventVisitor& visitor) override {
    Traced span(tracer_->start({.operation = "read_all"}));
    std::uint64_t events = 0;
    auto cursor = read_all_of(inner_, options, [&](const RecordedEvent& event) {
      ++events;
      return visitor(event);
    });
    return span.end(std::move(cursor), events);
  }

  Result<StreamInfo> do_stream_info(std::string_view stream) override {
    Traced span(tracer_->start({.operation = "stream_info", .stream = stream, .streams = 1}));
    return span.end(inner_.stream_info(stream));
  }

  Result<Position> do_head_position() override { return inner_.head_position(); }
  bool do_wait_for_hint(std::chrono::steady_clock::time_point until) override {
    return wait_for_hint_of(inner_, until);
  }

  Result<std::vector<StreamInfo>> do_list_streams(const ListStreamsOptions& options) override {
    Traced span(tracer_->start({.operation = "list_streams"}));
    return span.end(inner_.list_streams(options));
  }

  Result<StoreStats> do_stats() override {
    Traced span(tracer_->start({.operation = "stats"}));
    return span.end(inner_.stats());
  }

  Status do_delete_stream(std::string_view stream, ExpectedVersion expected,
                          bool tombstone) override {
    Traced span(tracer_->start({.operation = tombstone ? "tombstone_stream" : "delete_stream",
                                .stream = stream,
                                .streams = 1}));
    return span.end(tombstone ? inner_.tombstone_stream(stream, expected)
                              : inner_.delete_stream(stream, expected));
  }

  Status do_set_retention(std::string_view stream, const Retention& retention) override {
    Traced span(tracer_->start({.operation = "set_retention", .stream = stream, .streams = 1}));
    return span.end(inner_.set_retention(stream, retention));
  }

  Status do_scan_chain(std::string_view stream, detail::ChainScan& scan) override {
    Traced span(tracer_->start(
        {.operation = "verify", .stream = stream, .streams = stream.empty() ? 0U : 1U}));
    return span.end(scan_chain_of(inner_, stream, scan));
  }

 private:
  EventStore& inner_;
  std::unique_ptr<EventStore> owned_;  // set when the handle owns inner_
  std::shared_ptr<Tracer> tracer_;
};

}  // namespace

Result<std::unique_ptr<EventStore>> trace_store(EventStore& store, std::shared_ptr<Tracer> tracer) {
  if (!tracer) return Status::invalid_argument("trace_store: the tracer is null");
  return std::unique_ptr<EventStore>(
      std::make_unique<TracingStore>(store, nullptr, std::move(tracer)));
}

Result<std::unique_ptr<EventStore>> trace_store(std::unique_ptr<EventStore> store,
                                                std::shared_ptr<Tracer> tracer) {
  if (!store) return Status::invalid_argument("trace_store: the store is null");
  if (!tracer) return Status::invalid_argument("trace_store: the tracer is null");
  EventStore& inner = *store;
  return std::unique_ptr<EventStore>(
      std::make_unique<TracingStore>(inner, std::move(store), std::move(tracer)));
}

}  // namespace es
