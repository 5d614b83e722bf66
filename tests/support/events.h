// Builders and matchers shared by the tests: events to append and short ways to read a store's
// observable state.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "es/store/event_store.h"

namespace es::testing {

// `count` events of `type`, each with a fresh explicit id and data {"n":<i>}.
std::vector<EventData> make_events(std::size_t count, std::string_view type = "test.Happened");
// One event with a fresh id.
EventData make_event(std::string_view type = "test.Happened", std::string data = "{}");

// The ids of events, in order.
std::vector<Uuid> ids_of(const std::vector<EventData>& events);
std::vector<Uuid> ids_of(const std::vector<RecordedEvent>& events);
std::vector<std::int64_t> versions_of(const std::vector<RecordedEvent>& events);

// Everything readable through read_all from the start, in position order.
std::vector<RecordedEvent> read_everything(EventStore& store);
// Every readable event of `stream`, forward; fails the test on an error.
std::vector<RecordedEvent> read_stream_events(EventStore& store, std::string_view stream);

// What a failed write must leave unchanged: the head, the event count, and one stream's info.
struct Snapshot {
  Position head;
  std::uint64_t events = 0;
  StreamState state = StreamState::kAbsent;
  std::int64_t version = 0;
  std::vector<Uuid> stream_ids;  // ids readable in the stream (empty when tombstoned)

  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};
Snapshot snapshot(EventStore& store, std::string_view stream);

}  // namespace es::testing

namespace es {
// Readable failure output for statuses and ids.
void PrintTo(const Status& status, std::ostream* os);
void PrintTo(StatusCode code, std::ostream* os);
void PrintTo(const Uuid& id, std::ostream* os);
void PrintTo(const Position& position, std::ostream* os);
namespace testing {
void PrintTo(const Snapshot& snapshot, std::ostream* os);
}  // namespace testing
}  // namespace es

namespace es::testing {
inline std::string describe(const Status& status) { return status.to_string(); }
template <typename T>
std::string describe(const Result<T>& result) {
  return result.error().to_string();
}
// The code of a Status or of a Result's error (kOk for a value).
inline StatusCode code_of(const Status& status) { return status.code(); }
template <typename T>
StatusCode code_of(const Result<T>& result) {
  return result.error().code();
}
}  // namespace es::testing

// Asserts that `expr` (a Status or Result) is ok, printing the status otherwise.
#define ES_ASSERT_OK(expr)                                                     \
  do {                                                                         \
    const auto& es_ok_ = (expr);                                               \
    ASSERT_TRUE(static_cast<bool>(es_ok_)) << ::es::testing::describe(es_ok_); \
  } while (false)
#define ES_EXPECT_OK(expr)                                                     \
  do {                                                                         \
    const auto& es_ok_ = (expr);                                               \
    EXPECT_TRUE(static_cast<bool>(es_ok_)) << ::es::testing::describe(es_ok_); \
  } while (false)
