#include "support/events.h"

#include <ostream>

namespace es::testing {

std::vector<EventData> make_events(std::size_t count, std::string_view type) {
  std::vector<EventData> events;
  events.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    events.push_back(make_event(type, "{\"n\":" + std::to_string(i) + "}"));
  }
  return events;
}

EventData make_event(std::string_view type, std::string data) {
  EventData event;
  event.id = Uuid::v7();
  event.type = std::string(type);
  event.data = std::move(data);
  return event;
}

std::vector<Uuid> ids_of(const std::vector<EventData>& events) {
  std::vector<Uuid> ids;
  for (const EventData& e : events) ids.push_back(e.id);
  return ids;
}

std::vector<Uuid> ids_of(const std::vector<RecordedEvent>& events) {
  std::vector<Uuid> ids;
  for (const RecordedEvent& e : events) ids.push_back(e.id);
  return ids;
}

std::vector<std::int64_t> versions_of(const std::vector<RecordedEvent>& events) {
  std::vector<std::int64_t> versions;
  for (const RecordedEvent& e : events) versions.push_back(e.version);
  return versions;
}

std::vector<RecordedEvent> read_everything(EventStore& store) {
  std::vector<RecordedEvent> out;
  const Status status = store.visit_all({}, [&](const RecordedEvent& e) {
    out.push_back(e);
    return true;
  });
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return out;
}

std::vector<RecordedEvent> read_stream_events(EventStore& store, std::string_view stream) {
  auto slice = store.read_stream(stream);
  EXPECT_TRUE(slice.has_value()) << slice.error().to_string();
  if (!slice) return {};
  return std::move(slice->events);
}

Snapshot snapshot(EventStore& store, std::string_view stream) {
  Snapshot s;
  auto head = store.head_position();
  EXPECT_TRUE(head.has_value()) << head.error().to_string();
  if (head) s.head = *head;
  auto stats = store.stats();
  EXPECT_TRUE(stats.has_value()) << stats.error().to_string();
  if (stats) s.events = stats->events;
  auto info = store.stream_info(stream);
  EXPECT_TRUE(info.has_value()) << info.error().to_string();
  if (info) {
    s.state = info->state;
    s.version = info->version;
  }
  if (s.state != StreamState::kTombstoned) s.stream_ids = ids_of(read_stream_events(store, stream));
  return s;
}

}  // namespace es::testing

namespace es {

void PrintTo(const Status& status, std::ostream* os) { *os << status.to_string(); }
void PrintTo(StatusCode code, std::ostream* os) { *os << status_code_name(code); }
void PrintTo(const Uuid& id, std::ostream* os) { *os << id.to_string(); }
void PrintTo(const Position& position, std::ostream* os) { *os << position.to_string(); }

}  // namespace es

namespace es::testing {

void PrintTo(const Snapshot& s, std::ostream* os) {
  *os << "{head " << s.head.to_string() << ", events " << s.events << ", state "
      << stream_state_name(s.state) << ", version " << s.version << ", " << s.stream_ids.size()
      << " readable}";
}

}  // namespace es::testing
