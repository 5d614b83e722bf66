#include "import_batcher.h"

#include <fmt/format.h>

namespace es::cli {
namespace {

ExpectedVersion expected_of(const InputEvent& in) {
  if (in.expected) return *in.expected;
  if (in.version) return ExpectedVersion::exact(*in.version - 1);
  return ExpectedVersion::any();
}

// no-stream counts as version 0 before the request, which holds for the empty store an export
// is imported into (on a soft-deleted stream the store would recreate it further on).
std::optional<std::int64_t> known_version(ExpectedVersion expected) {
  switch (expected.kind()) {
    case ExpectedVersion::Kind::kExact:
    case ExpectedVersion::Kind::kNoStream:
      return expected.version();
    case ExpectedVersion::Kind::kAny:
    case ExpectedVersion::Kind::kStreamExists:
      return std::nullopt;
  }
  return std::nullopt;
}

Status at_line(std::uint64_t line, const Status& status) {
  return {status.code(), fmt::format("line {}: {}", line, status.message())};
}

}  // namespace

ImportBatcher::ImportBatcher(EventStore& store, BatchLimits limits)
    : store_(store), limits_(limits) {}

bool ImportBatcher::joins_last(const std::string& stream, const std::string& tenant,
                               ExpectedVersion expected) const {
  if (queue_.empty()) return false;
  const Request& last = queue_.back();
  if (last.stream != stream || last.tenant != tenant) return false;
  switch (expected.kind()) {
    case ExpectedVersion::Kind::kAny:
    case ExpectedVersion::Kind::kStreamExists:  // the request before it creates the stream
      return true;
    case ExpectedVersion::Kind::kNoStream:
      return false;
    case ExpectedVersion::Kind::kExact:
      return last.base &&
             *last.base + static_cast<std::int64_t>(last.events.size()) == expected.version();
  }
  return false;
}

Status ImportBatcher::add(InputEvent in, std::uint64_t line) {
  const ExpectedVersion expected = expected_of(in);
  const std::string tenant = in.tenant.value_or("");
  const std::size_t bytes = in.event.data.size() + in.event.metadata.size();
  const bool full = queued_events_ + 1 > limits_.max_events ||
                    (queued_events_ > 0 && queued_bytes_ + bytes > limits_.max_bytes);
  const bool joins = !full && joins_last(*in.stream, tenant, expected);
  if (!joins && (full || queued_streams_.contains(*in.stream))) ES_RETURN_IF_ERROR(flush());
  if (!joins) {
    Request& request = queue_.emplace_back();
    request.stream = *in.stream;
    request.tenant = tenant;
    request.base = known_version(expected);
    queued_streams_.insert(*in.stream);
  }
  Request& request = queue_.back();
  request.events.push_back(std::move(in.event));
  request.expected.push_back(expected);
  request.lines.push_back(line);
  ++queued_events_;
  queued_bytes_ += bytes;
  return Status::ok();
}

Status ImportBatcher::flush() {
  if (queue_.empty()) return Status::ok();
  Status status = append(queue_);
  if (!status.is_ok()) {
    // Find the first failing line, importing every line before it.
    for (const Request& request : queue_) {
      status = append(std::span<const Request>(&request, 1));
      if (!status.is_ok()) {
        status = append_events_one_by_one(request);
        if (!status.is_ok()) break;
      }
    }
  }
  queue_.clear();
  queued_streams_.clear();
  queued_events_ = 0;
  queued_bytes_ = 0;
  return status;
}

Status ImportBatcher::append(std::span<const Request> requests) {
  std::vector<AppendRequest> batch;
  batch.reserve(requests.size());
  std::size_t events = 0;
  for (const Request& r : requests) {
    batch.push_back({.stream = r.stream,
                     .expected = r.expected.front(),
                     .events = r.events,
                     .tenant = r.tenant});
    events += r.events.size();
  }
  ++appends_;
  auto results = store_.append(batch);
  if (!results) return results.error();
  imported_ += events;
  return Status::ok();
}

Status ImportBatcher::append_events_one_by_one(const Request& request) {
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    ++appends_;
    auto result = store_.append(request.stream, request.expected[i],
                                std::span<const EventData>(&request.events[i], 1), request.tenant);
    if (!result) return at_line(request.lines[i], result.error());
    ++imported_;
  }
  return Status::ok();
}

}  // namespace es::cli
