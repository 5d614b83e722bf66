#include "bus/inbox.h"

#include <fmt/format.h>

namespace es::detail {
namespace {

// One stream's new events in a fetch.
struct StreamRun {
  std::string stream;
  std::string tenant;
  std::int64_t expected = 0;
  std::vector<EventData> events;
};

EventData data_of(const RecordedEvent& event) {
  return EventData{.id = event.id,
                   .type = event.type,
                   .schema_version = event.schema_version,
                   .data = event.data,
                   .metadata = event.metadata};
}

}  // namespace

Result<std::int64_t> Inbox::version_of(const std::string& stream) {
  if (auto it = versions_.find(stream); it != versions_.end()) return it->second;
  auto info = store_.stream_info(stream);
  std::int64_t version = 0;
  if (info) {
    version = info->version;
  } else if (info.error().code() != StatusCode::kNotFound) {
    return info.error();
  }
  versions_.emplace(stream, version);
  return version;
}

Status Inbox::store(std::span<const RecordedEvent> received, std::vector<RecordedEvent>& fresh) {
  fresh.clear();
  std::vector<StreamRun> runs;
  std::map<std::string, std::size_t, std::less<>> run_of;
  for (const RecordedEvent& event : received) {
    auto version = version_of(event.stream);
    if (!version) return version.error();
    auto found = run_of.find(event.stream);
    const std::int64_t have =
        found == run_of.end() ? *version
                              : runs[found->second].expected +
                                    static_cast<std::int64_t>(runs[found->second].events.size());
    if (event.version <= have) continue;  // a copy
    if (event.version != have + 1) {
      return {StatusCode::kConflict,
              fmt::format("stream '{}' is at version {} in the inbox but the bus's next event of "
                          "it is version {}: events of the stream are missing on the bus",
                          event.stream, have, event.version)};
    }
    if (found == run_of.end()) {
      runs.push_back({.stream = event.stream, .tenant = event.tenant, .expected = have});
      found = run_of.emplace(event.stream, runs.size() - 1).first;
    }
    runs[found->second].events.push_back(data_of(event));
    fresh.push_back(event);
  }
  if (runs.empty()) return Status::ok();
  std::vector<AppendRequest> batch;
  batch.reserve(runs.size());
  for (const StreamRun& run : runs) {
    batch.push_back({.stream = run.stream,
                     .expected = ExpectedVersion::exact(run.expected),
                     .events = run.events,
                     .tenant = run.tenant});
  }
  auto appended = store_.append(batch);
  if (!appended) {
    versions_.clear();  // re-read what the store holds before the next attempt
    return appended.error();
  }
  for (const StreamRun& run : runs) {
    versions_[run.stream] = run.expected + static_cast<std::int64_t>(run.events.size());
  }
  return Status::ok();
}

}  // namespace es::detail
