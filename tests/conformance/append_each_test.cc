// append_each(): independent appends that share commits. Each request succeeds or fails alone,
// exactly as the same requests given to append() one after another would.
#include <thread>

#include "conformance/backends.h"
#include "es/store/tenant_store.h"

namespace es::testing {
namespace {

class AppendEach : public StoreTest {};

TEST_P(AppendEach, EachRequestSucceedsOrFailsAlone) {
  make_live("b", 1);
  const std::vector<Uuid> b_before = ids_of(store().read_stream("b")->events);
  const auto a = make_events(2);
  const auto b = make_events(1);
  const auto c = make_events(1);
  const auto d = make_events(1);
  const std::vector<AppendRequest> requests = {
      {.stream = "a", .expected = ExpectedVersion::no_stream(), .events = a},
      {.stream = "b", .expected = ExpectedVersion::exact(7), .events = b},
      {.stream = "", .expected = ExpectedVersion::any(), .events = d},
      {.stream = "c", .expected = ExpectedVersion::any(), .events = c},
  };
  const auto results = store().append_each(requests);
  ASSERT_EQ(results.size(), 4u);
  ES_ASSERT_OK(results[0]);
  EXPECT_EQ(results[0]->first_version, 1);
  EXPECT_EQ(results[0]->last_version, 2);
  ASSERT_FALSE(results[1].has_value());
  EXPECT_EQ(results[1].error().code(), StatusCode::kConflict);
  ASSERT_NE(results[1].error().conflict(), nullptr);
  EXPECT_EQ(results[1].error().conflict()->actual, 1);
  ASSERT_FALSE(results[2].has_value());
  EXPECT_EQ(results[2].error().code(), StatusCode::kInvalidArgument);
  ES_ASSERT_OK(results[3]);
  EXPECT_EQ(results[3]->last_version, 1);

  EXPECT_EQ(ids_of(store().read_stream("b")->events), b_before);
  EXPECT_EQ(store().stream_info("b")->version, 1);
  EXPECT_EQ(ids_of(store().read_stream("a")->events), ids_of(a));
  EXPECT_EQ(ids_of(store().read_stream("c")->events), ids_of(c));
  // The successful requests land in the global feed in the order given.
  auto page = store().read_all();
  ES_ASSERT_OK(page);
  std::vector<Uuid> expected = b_before;
  for (const Uuid& id : ids_of(a)) expected.push_back(id);
  expected.push_back(c[0].id);
  EXPECT_EQ(ids_of(page->events), expected);
  EXPECT_LT(results[0]->last_position, results[3]->first_position);
}

TEST_P(AppendEach, RequestsToOneStreamApplyInTheOrderGiven) {
  const auto first = make_events(1);
  const auto second = make_events(2);
  const auto third = make_events(1);
  const std::vector<AppendRequest> requests = {
      {.stream = "s", .expected = ExpectedVersion::no_stream(), .events = first},
      {.stream = "s", .expected = ExpectedVersion::exact(1), .events = second},
      {.stream = "s", .expected = ExpectedVersion::no_stream(), .events = third},
  };
  const auto results = store().append_each(requests);
  ASSERT_EQ(results.size(), 3u);
  ES_ASSERT_OK(results[0]);
  ES_ASSERT_OK(results[1]);
  EXPECT_EQ(results[1]->first_version, 2);
  EXPECT_EQ(results[1]->last_version, 3);
  ASSERT_FALSE(results[2].has_value());
  EXPECT_EQ(results[2].error().code(), StatusCode::kConflict);
  std::vector<Uuid> expected = ids_of(first);
  for (const Uuid& id : ids_of(second)) expected.push_back(id);
  EXPECT_EQ(ids_of(store().read_stream("s")->events), expected);
}

TEST_P(AppendEach, ARepeatedRequestIsAnIdempotentReplay) {
  const auto events = make_events(2);
  const std::vector<AppendRequest> requests = {
      {.stream = "s", .expected = ExpectedVersion::no_stream(), .events = events},
      {.stream = "s", .expected = ExpectedVersion::no_stream(), .events = events},
  };
  const auto results = store().append_each(requests);
  ES_ASSERT_OK(results[0]);
  ES_ASSERT_OK(results[1]);
  EXPECT_EQ(results[1]->first_version, results[0]->first_version);
  EXPECT_EQ(results[1]->last_position, results[0]->last_position);
  EXPECT_EQ(store().stream_info("s")->version, 2);
}

TEST_P(AppendEach, TenantScopedHandlesRefuseOnlyTheOtherTenantsRequests) {
  auto acme = scope_to_tenant(store(), "acme");
  ES_ASSERT_OK(acme);
  const auto mine = make_events(1);
  const auto theirs = make_events(1);
  const std::vector<AppendRequest> requests = {
      {.stream = "order-1", .events = mine},
      {.stream = "order-2", .events = theirs, .tenant = "globex"},
  };
  const auto results = (*acme)->append_each(requests);
  ES_ASSERT_OK(results[0]);
  ASSERT_FALSE(results[1].has_value());
  EXPECT_EQ(results[1].error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store().stream_info("order-1")->tenant, "acme");
  EXPECT_EQ(store().stream_info("order-2")->state, StreamState::kAbsent);
}

// Callers of append_each and of append on other threads share groups; every stream ends with
// each of its events exactly once and versions without gaps.
TEST_P(AppendEach, ConcurrentCallersKeepEveryStreamContiguous) {
  constexpr int kThreads = 3;
  constexpr int kRounds = 20;
  constexpr int kPerRound = 8;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string prefix = "t" + std::to_string(t) + "-";
      for (int round = 0; round < kRounds; ++round) {
        std::vector<std::vector<EventData>> events;
        std::vector<std::string> streams;
        for (int i = 0; i < kPerRound; ++i) {
          events.push_back(make_events(1));
          streams.push_back(prefix + std::to_string(i));
        }
        std::vector<AppendRequest> requests;
        for (std::size_t i = 0; i < streams.size(); ++i) {
          requests.push_back({.stream = streams[i],
                              .expected = ExpectedVersion::exact(round),
                              .events = events[i]});
        }
        for (const auto& r : store().append_each(requests)) ES_EXPECT_OK(r);
        // And a plain append to a shared stream, racing the other threads' groups.
        const auto shared = make_events(1);
        ES_EXPECT_OK(store().append("shared", ExpectedVersion::any(), shared));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerRound; ++i) {
      const std::string stream = "t" + std::to_string(t) + "-" + std::to_string(i);
      EXPECT_EQ(store().stream_info(stream)->version, kRounds) << stream;
    }
  }
  EXPECT_EQ(store().stream_info("shared")->version, kThreads * kRounds);
  auto stats = store().stats();
  ES_ASSERT_OK(stats);
  EXPECT_EQ(stats->events, static_cast<std::uint64_t>(kThreads * kRounds * (kPerRound + 1)));
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(AppendEach);

}  // namespace
}  // namespace es::testing
