// DESIGN §4's table: every expected-version kind against every stream state, on every backend.
// A success appends from the right version; a failure has the right code, a Conflict reports both
// versions, and nothing at all is written.
#include <functional>
#include <map>
#include <optional>

#include "conformance/backends.h"

namespace es::testing {
namespace {

enum class State { kAbsent, kLive, kSoftDeleted, kTombstoned, kReserved };

std::string state_label(State s) {
  switch (s) {
    case State::kAbsent:
      return "absent";
    case State::kLive:
      return "live";
    case State::kSoftDeleted:
      return "soft-deleted";
    case State::kTombstoned:
      return "tombstoned";
    case State::kReserved:
      return "tombstoned-never-written";
  }
  return "?";
}

constexpr std::int64_t kN = 3;  // events written before a stream reached its state

// What DESIGN §4 says happens: ok (append from version n + 1) or an error code.
struct Outcome {
  StatusCode code = StatusCode::kOk;
};
constexpr Outcome kAppends{StatusCode::kOk};
constexpr Outcome kConflicts{StatusCode::kConflict};
constexpr Outcome kDeleted{StatusCode::kStreamDeleted};

class AppendMatrix : public StoreTest {
 protected:
  // n of a stream in state `s`.
  static std::int64_t version_in(State s) {
    return s == State::kAbsent || s == State::kReserved ? 0 : kN;
  }

  std::string prepare(State s) {
    const std::string stream = "matrix-" + state_label(s);
    switch (s) {
      case State::kAbsent:
        break;
      case State::kLive:
        make_live(stream, kN);
        break;
      case State::kSoftDeleted:
        make_soft_deleted(stream, kN);
        break;
      case State::kTombstoned:
        make_tombstoned(stream, kN);
        break;
      case State::kReserved:
        make_tombstoned(stream, 0);
        break;
    }
    return stream;
  }

  // Appends two events to a fresh stream in each state under expected(n) and checks `table`.
  void check(const std::function<ExpectedVersion(std::int64_t n)>& expected,
             const std::map<State, Outcome>& table) {
    for (const auto& [state, outcome] : table) {
      const std::string stream = prepare(state);
      const std::int64_t n = version_in(state);
      const ExpectedVersion e = expected(n);
      SCOPED_TRACE(state_label(state) + " stream, expected " + e.to_string());
      const Snapshot before = snapshot(store(), stream);
      const auto events = make_events(2);
      auto result = store().append(stream, e, events);

      if (outcome.code != StatusCode::kOk) {
        ASSERT_FALSE(result.has_value()) << "appended at " << result->first_version;
        EXPECT_EQ(result.error().code(), outcome.code) << result.error().to_string();
        if (outcome.code == StatusCode::kConflict) {
          const VersionConflict* conflict = result.error().conflict();
          ASSERT_NE(conflict, nullptr) << "a Conflict must report both versions";
          EXPECT_EQ(conflict->stream, stream);
          EXPECT_EQ(conflict->expected, e.to_string());
          EXPECT_EQ(conflict->actual, n);
        }
        EXPECT_EQ(snapshot(store(), stream), before) << "a failed append wrote something";
        continue;
      }

      ASSERT_TRUE(result.has_value()) << result.error().to_string();
      EXPECT_EQ(result->first_version, n + 1);
      EXPECT_EQ(result->last_version, n + 2);
      EXPECT_GT(result->first_position, before.head);
      EXPECT_GT(result->last_position, result->first_position);
      const Snapshot after = snapshot(store(), stream);
      EXPECT_EQ(after.head, result->last_position);
      EXPECT_EQ(after.events, before.events + 2);
      EXPECT_EQ(after.state, StreamState::kLive);
      EXPECT_EQ(after.version, n + 2);
      // The new events come last; a recreated stream shows only what followed the deletion.
      auto readable = read_stream_events(store(), stream);
      EXPECT_EQ(readable.size(), state == State::kLive ? static_cast<std::size_t>(n + 2) : 2u);
      ASSERT_GE(readable.size(), 2u);
      readable.erase(readable.begin(), readable.end() - 2);
      EXPECT_EQ(ids_of(readable), ids_of(events));
      EXPECT_EQ(versions_of(readable), (std::vector<std::int64_t>{n + 1, n + 2}));
    }
  }
};

const std::map<State, Outcome> kNoStreamTable = {{State::kAbsent, kAppends},
                                                 {State::kLive, kConflicts},
                                                 {State::kSoftDeleted, kAppends},
                                                 {State::kTombstoned, kDeleted},
                                                 {State::kReserved, kDeleted}};

TEST_P(AppendMatrix, AnyAppendsToEveryStreamButATombstonedOne) {
  check([](std::int64_t) { return ExpectedVersion::any(); }, {{State::kAbsent, kAppends},
                                                              {State::kLive, kAppends},
                                                              {State::kSoftDeleted, kAppends},
                                                              {State::kTombstoned, kDeleted},
                                                              {State::kReserved, kDeleted}});
}

TEST_P(AppendMatrix, NoStreamAppendsOnlyToAnAbsentOrSoftDeletedStream) {
  check([](std::int64_t) { return ExpectedVersion::no_stream(); }, kNoStreamTable);
}

TEST_P(AppendMatrix, ExactZeroBehavesAsNoStream) {
  check([](std::int64_t) { return ExpectedVersion::exact(0); }, kNoStreamTable);
}

TEST_P(AppendMatrix, StreamExistsAppendsOnlyToALiveStream) {
  check([](std::int64_t) { return ExpectedVersion::stream_exists(); },
        {{State::kAbsent, kConflicts},
         {State::kLive, kAppends},
         {State::kSoftDeleted, kConflicts},
         {State::kTombstoned, kDeleted},
         {State::kReserved, kDeleted}});
}

TEST_P(AppendMatrix, ExactMatchingTheLastVersionAppends) {
  check([](std::int64_t n) { return ExpectedVersion::exact(n); }, {{State::kAbsent, kAppends},
                                                                   {State::kLive, kAppends},
                                                                   {State::kSoftDeleted, kAppends},
                                                                   {State::kTombstoned, kDeleted},
                                                                   {State::kReserved, kDeleted}});
}

TEST_P(AppendMatrix, ExactAboveTheLastVersionConflicts) {
  check([](std::int64_t n) { return ExpectedVersion::exact(n + 1); },
        {{State::kAbsent, kConflicts},
         {State::kLive, kConflicts},
         {State::kSoftDeleted, kConflicts},
         {State::kTombstoned, kDeleted},
         {State::kReserved, kDeleted}});
}

TEST_P(AppendMatrix, ExactBelowTheLastVersionConflicts) {
  check([](std::int64_t n) { return ExpectedVersion::exact(n == 0 ? 2 : n - 1); },
        {{State::kAbsent, kConflicts},
         {State::kLive, kConflicts},
         {State::kSoftDeleted, kConflicts},
         {State::kTombstoned, kDeleted},
         {State::kReserved, kDeleted}});
}

TEST_P(AppendMatrix, ConflictMessageNamesTheStreamAndBothVersions) {
  make_live("account-7", 3);
  auto r = store().append("account-7", ExpectedVersion::exact(1), make_events(1));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().to_string(), "conflict: stream 'account-7' expected version 1, actual 3");
}

TEST_P(AppendMatrix, VersionsAreOneBasedAndContiguousAcrossAppends) {
  auto first = store().append("counter", ExpectedVersion::no_stream(), make_events(3));
  ES_ASSERT_OK(first);
  EXPECT_EQ(first->first_version, 1);
  EXPECT_EQ(first->last_version, 3);
  auto second = store().append("counter", ExpectedVersion::exact(3), make_events(2));
  ES_ASSERT_OK(second);
  EXPECT_EQ(second->first_version, 4);
  EXPECT_EQ(second->last_version, 5);
  EXPECT_EQ(versions_of(read_stream_events(store(), "counter")),
            (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
}

TEST_P(AppendMatrix, NegativeExactVersionIsInvalid) {
  auto r = store().append("s", ExpectedVersion::exact(-1), make_events(1));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(snapshot(store(), "s"), Snapshot{});
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(AppendMatrix);

}  // namespace
}  // namespace es::testing
