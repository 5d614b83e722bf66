// Idempotency by event id (DESIGN §4, KurrentDB semantics): an exact replay returns the original
// result and writes nothing; any other reuse of stored ids is AlreadyExists and writes nothing.
#include <set>

#include "conformance/backends.h"

namespace es::testing {
namespace {

class Idempotency : public StoreTest {
 protected:
  // Appends `events` under `expected` and then replays them the same way.
  void expect_replay_returns_original(std::string_view stream, ExpectedVersion expected,
                                      const std::vector<EventData>& events) {
    SCOPED_TRACE("expected " + expected.to_string());
    auto original = store().append(stream, expected, events);
    ASSERT_TRUE(original.has_value()) << original.error().to_string();
    const Snapshot before = snapshot(store(), stream);
    auto replay = store().append(stream, expected, events);
    ASSERT_TRUE(replay.has_value()) << replay.error().to_string();
    EXPECT_EQ(replay->first_version, original->first_version);
    EXPECT_EQ(replay->last_version, original->last_version);
    EXPECT_EQ(replay->first_position, original->first_position);
    EXPECT_EQ(replay->last_position, original->last_position);
    EXPECT_EQ(snapshot(store(), stream), before) << "a replay wrote something";
  }

  void expect_already_exists(std::string_view stream, ExpectedVersion expected,
                             const std::vector<EventData>& events) {
    const Snapshot before = snapshot(store(), stream);
    auto r = store().append(stream, expected, events);
    ASSERT_FALSE(r.has_value()) << "appended at " << r->first_version;
    EXPECT_EQ(r.error().code(), StatusCode::kAlreadyExists) << r.error().to_string();
    EXPECT_EQ(snapshot(store(), stream), before) << "a rejected append wrote something";
  }
};

TEST_P(Idempotency, FreshIdsAreAppendedAndStoredAsGiven) {
  const auto events = make_events(3);
  auto r = store().append("s", ExpectedVersion::no_stream(), events);
  ES_ASSERT_OK(r);
  EXPECT_EQ(ids_of(read_stream_events(store(), "s")), ids_of(events));
}

TEST_P(Idempotency, NilIdsGetFreshDistinctIds) {
  std::vector<EventData> events(3, EventData{.type = "t"});
  ES_ASSERT_OK(store().append("s", ExpectedVersion::any(), events));
  ES_ASSERT_OK(store().append("s", ExpectedVersion::any(), events));
  const auto stored = read_stream_events(store(), "s");
  ASSERT_EQ(stored.size(), 6u);
  std::set<Uuid> ids;
  for (const RecordedEvent& e : stored) {
    EXPECT_FALSE(e.id.is_nil());
    EXPECT_EQ(e.id.bytes()[6] >> 4, 7) << "generated ids are UUID v7";
    ids.insert(e.id);
  }
  EXPECT_EQ(ids.size(), 6u);
}

TEST_P(Idempotency, ReplayWithAnyReturnsTheOriginalResult) {
  make_live("s", 2);
  expect_replay_returns_original("s", ExpectedVersion::any(), make_events(3));
}

TEST_P(Idempotency, ReplayWithNoStreamReturnsTheOriginalResult) {
  expect_replay_returns_original("s", ExpectedVersion::no_stream(), make_events(3));
}

TEST_P(Idempotency, ReplayWithStreamExistsReturnsTheOriginalResult) {
  make_live("s", 2);
  expect_replay_returns_original("s", ExpectedVersion::stream_exists(), make_events(3));
}

TEST_P(Idempotency, ReplayWithExactReturnsTheOriginalResult) {
  make_live("s", 2);
  expect_replay_returns_original("s", ExpectedVersion::exact(2), make_events(3));
}

TEST_P(Idempotency, ReplayOfARecreationReturnsTheOriginalResult) {
  make_soft_deleted("s", 2);
  expect_replay_returns_original("s", ExpectedVersion::no_stream(), make_events(2));
}

TEST_P(Idempotency, ReplayAfterTheStreamMovedOnStillReturnsTheOriginalResult) {
  const auto events = make_events(2);
  auto original = store().append("s", ExpectedVersion::exact(0), events);
  ES_ASSERT_OK(original);
  make_live("s", 3);  // the stream is now at version 5
  const Snapshot before = snapshot(store(), "s");
  for (const ExpectedVersion e : {ExpectedVersion::no_stream(), ExpectedVersion::any()}) {
    auto replay = store().append("s", e, events);
    ASSERT_TRUE(replay.has_value()) << e.to_string() << ": " << replay.error().to_string();
    EXPECT_EQ(replay->first_version, 1);
    EXPECT_EQ(replay->last_version, 2);
    EXPECT_EQ(replay->last_position, original->last_position);
  }
  EXPECT_EQ(snapshot(store(), "s"), before);
}

TEST_P(Idempotency, IdsDecideBeforeTheStreamStateSoAReplayToADeletedStreamSucceeds) {
  // DESIGN §4: "Before that check, the event ids decide".
  const auto soft = make_events(2);
  ES_ASSERT_OK(store().append("soft", ExpectedVersion::no_stream(), soft));
  ES_ASSERT_OK(store().delete_stream("soft"));
  auto soft_replay = store().append("soft", ExpectedVersion::no_stream(), soft);
  ES_ASSERT_OK(soft_replay);
  EXPECT_EQ(soft_replay->first_version, 1);
  EXPECT_EQ(store().stream_info("soft")->state, StreamState::kSoftDeleted);

  const auto tomb = make_events(1);
  ES_ASSERT_OK(store().append("tomb", ExpectedVersion::no_stream(), tomb));
  ES_ASSERT_OK(store().tombstone_stream("tomb"));
  auto tomb_replay = store().append("tomb", ExpectedVersion::no_stream(), tomb);
  ES_ASSERT_OK(tomb_replay);
  EXPECT_EQ(tomb_replay->last_version, 1);
  // Fresh events are still refused.
  EXPECT_EQ(store().append("tomb", ExpectedVersion::any(), make_events(1)).error().code(),
            StatusCode::kStreamDeleted);
}

TEST_P(Idempotency, ReplayWithAnExpectedVersionNamingAnotherPlaceIsAlreadyExists) {
  make_live("s", 2);
  const auto events = make_events(2);
  ES_ASSERT_OK(store().append("s", ExpectedVersion::exact(2), events));
  // The ids sit at versions 3-4; exact(4) would have written them at 5-6.
  expect_already_exists("s", ExpectedVersion::exact(4), events);
  expect_already_exists("s", ExpectedVersion::no_stream(), events);
}

TEST_P(Idempotency, PartialDuplicateIsAlreadyExistsAndWritesNothing) {
  auto events = make_events(2);
  ES_ASSERT_OK(store().append("s", ExpectedVersion::no_stream(), events));
  std::vector<EventData> partial = {events[0], make_event()};
  expect_already_exists("s", ExpectedVersion::any(), partial);
  std::vector<EventData> fresh_first = {make_event(), events[1]};
  expect_already_exists("s", ExpectedVersion::any(), fresh_first);
  EXPECT_EQ(ids_of(read_stream_events(store(), "s")), ids_of(events));
}

TEST_P(Idempotency, StoredIdsInAnotherOrderAreAlreadyExists) {
  auto events = make_events(2);
  ES_ASSERT_OK(store().append("s", ExpectedVersion::no_stream(), events));
  std::vector<EventData> swapped = {events[1], events[0]};
  expect_already_exists("s", ExpectedVersion::any(), swapped);
}

TEST_P(Idempotency, IdStoredInAnotherStreamIsAlreadyExists) {
  auto events = make_events(2);
  ES_ASSERT_OK(store().append("first", ExpectedVersion::no_stream(), events));
  expect_already_exists("second", ExpectedVersion::any(), events);
  expect_already_exists("second", ExpectedVersion::no_stream(), {events[1]});
  auto info = store().stream_info("second");
  ES_ASSERT_OK(info);
  EXPECT_EQ(info->state, StreamState::kAbsent);
}

TEST_P(Idempotency, DuplicateIdInsideOneAppendIsInvalid) {
  auto events = make_events(3);
  events[2].id = events[0].id;
  auto r = store().append("s", ExpectedVersion::any(), events);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find(events[0].id.to_string()), std::string_view::npos)
      << r.error().message();
  EXPECT_EQ(snapshot(store(), "s"), Snapshot{});
}

TEST_P(Idempotency, DuplicateIdAcrossTheRequestsOfABatchIsInvalid) {
  auto a = make_events(1);
  std::vector<EventData> b = {a[0]};
  auto r = store().append({{.stream = "a", .events = a}, {.stream = "b", .events = b}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(snapshot(store(), "a"), Snapshot{});
}

TEST_P(Idempotency, ReplayOfAWholeBatchReturnsTheOriginalResults) {
  const auto a = make_events(2);
  const auto b = make_events(1);
  const std::vector<AppendRequest> batch = {
      {.stream = "a", .expected = ExpectedVersion::no_stream(), .events = a},
      {.stream = "b", .expected = ExpectedVersion::no_stream(), .events = b}};
  auto original = store().append(batch);
  ES_ASSERT_OK(original);
  const Snapshot before = snapshot(store(), "a");
  auto replay = store().append(batch);
  ES_ASSERT_OK(replay);
  ASSERT_EQ(replay->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*replay)[i].first_version, (*original)[i].first_version);
    EXPECT_EQ((*replay)[i].last_version, (*original)[i].last_version);
    EXPECT_EQ((*replay)[i].first_position, (*original)[i].first_position);
    EXPECT_EQ((*replay)[i].last_position, (*original)[i].last_position);
  }
  EXPECT_EQ(snapshot(store(), "a"), before);
}

TEST_P(Idempotency, BatchReplayingSomeRequestsButNotOthersIsAlreadyExists) {
  const auto a = make_events(2);
  ES_ASSERT_OK(store().append("a", ExpectedVersion::no_stream(), a));
  const auto b = make_events(1);
  const Snapshot before = snapshot(store(), "b");
  auto r = store().append({{.stream = "a", .expected = ExpectedVersion::no_stream(), .events = a},
                           {.stream = "b", .expected = ExpectedVersion::no_stream(), .events = b}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(snapshot(store(), "b"), before);
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(Idempotency);

}  // namespace
}  // namespace es::testing
