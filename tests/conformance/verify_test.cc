// Every backend keeps the hash chain: an untouched store verifies clean through everything the
// API can do to it — batches, idempotent replays, rejected appends, soft deletes and recreation,
// tombstones, retention and concurrent writers (group commit on SQLite).
#include <thread>

#include "conformance/backends.h"

namespace es::testing {
namespace {

class Verify : public StoreTest {
 protected:
  void expect_intact(const VerifyOptions& options = {}) {
    auto report = store().verify(options);
    ES_ASSERT_OK(report);
    for (const IntegrityProblem& p : report->problems) {
      ADD_FAILURE() << p.stream << "/" << p.version << ": " << p.detail;
    }
    EXPECT_TRUE(report->intact());
  }
};

TEST_P(Verify, AnEmptyStoreIsIntact) {
  auto report = store().verify();
  ES_ASSERT_OK(report);
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->streams, 0U);
  EXPECT_EQ(report->events, 0U);
}

TEST_P(Verify, EverythingTheApiDoesKeepsTheChainsIntact) {
  ES_ASSERT_OK(store().append("a-1", ExpectedVersion::no_stream(), make_events(3)));
  const auto replayed = make_events(2);
  ES_ASSERT_OK(store().append("a-1", ExpectedVersion::exact(3), replayed));
  ES_ASSERT_OK(store().append("a-1", ExpectedVersion::exact(3), replayed));  // idempotent
  EXPECT_EQ(code_of(store().append("a-1", ExpectedVersion::exact(1), make_events(1))),
            StatusCode::kConflict);
  const auto b = make_events(2);
  const auto c = make_events(3);
  ES_ASSERT_OK(store().append({{.stream = "b-1", .events = b}, {.stream = "c-1", .events = c}}));
  ES_ASSERT_OK(store().append("t-1", ExpectedVersion::any(), make_events(2), "acme"));
  ES_ASSERT_OK(store().delete_stream("b-1"));
  ES_ASSERT_OK(store().append("b-1", ExpectedVersion::no_stream(), make_events(1)));
  ES_ASSERT_OK(store().tombstone_stream("c-1"));
  ES_ASSERT_OK(store().tombstone_stream("reserved-1"));
  ES_ASSERT_OK(store().set_retention("a-1", {.max_count = 1, .truncate_before = 3}));
  auto report = store().verify();
  ES_ASSERT_OK(report);
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->streams, 5U);
  EXPECT_EQ(report->events, 13U) << "hidden events are verified too";
  expect_intact({.stream = "a-1"});
  expect_intact({.stream = "absent-1"});
}

TEST_P(Verify, AppendsOfAStreamChangeTheDigestAndOtherStreamsDoNot) {
  ES_ASSERT_OK(store().append("a-1", ExpectedVersion::no_stream(), make_events(2)));
  const std::string one = store().verify({.stream = "a-1"})->digest;
  ES_ASSERT_OK(store().append("b-1", ExpectedVersion::no_stream(), make_events(2)));
  EXPECT_EQ(store().verify({.stream = "a-1"})->digest, one);
  ES_ASSERT_OK(store().append("a-1", ExpectedVersion::exact(2), make_events(1)));
  EXPECT_NE(store().verify({.stream = "a-1"})->digest, one);
}

TEST_P(Verify, ConcurrentWritersAndBatchesKeepTheChainsIntact) {
  constexpr int kWriters = 4;
  constexpr int kAppends = 50;
  std::vector<std::thread> writers;
  writers.reserve(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([this, w] {
      for (int i = 0; i < kAppends; ++i) {
        // A shared stream (appends interleave in group commits), an own one, and a batch.
        EXPECT_TRUE(store().append("shared-1", ExpectedVersion::any(), make_events(1)).has_value());
        const auto mine = make_events(2);
        const auto pair = make_events(1);
        const std::string own = "own-" + std::to_string(w);
        const std::string other = "pair-" + std::to_string(i % 3);
        EXPECT_TRUE(
            store()
                .append({{.stream = own, .events = mine}, {.stream = other, .events = pair}})
                .has_value());
      }
    });
  }
  for (std::thread& t : writers) t.join();
  auto report = store().verify();
  ES_ASSERT_OK(report);
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->events, static_cast<std::uint64_t>(kWriters * kAppends * 4));
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(Verify);

}  // namespace
}  // namespace es::testing
