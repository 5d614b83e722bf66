// Group commit on the SQLite backend (DESIGN §5): concurrent appends share transactions, each in
// its own savepoint, so one caller's conflict fails only that caller.
#include <gtest/gtest.h>

#include <barrier>
#include <map>
#include <set>
#include <thread>

#include "es/store/sqlite_store.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

TEST(SqliteGroupCommit, OneConflictingAppendDoesNotFailTheOthersOfItsGroup) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 40;
  TempDir dir;
  auto opened = open_sqlite(dir.file("group.db"));
  ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
  EventStore& store = **opened;
  ES_ASSERT_OK(store.append("contested", ExpectedVersion::no_stream(), make_events(1)));

  // Thread 0 always appends with a wrong expected version; the others append to their own
  // streams with the right one. All start each round together so their appends queue up.
  std::vector<std::vector<Status>> statuses(kThreads);
  std::barrier round(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string own = "own-" + std::to_string(t);
      for (int r = 0; r < kRounds; ++r) {
        round.arrive_and_wait();
        Status s;
        if (t == 0) {
          s = store.append("contested", ExpectedVersion::exact(5), make_events(2)).error();
        } else {
          s = store.append(own, ExpectedVersion::exact(2 * r), make_events(2)).error();
        }
        statuses[static_cast<std::size_t>(t)].push_back(s);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  for (int t = 0; t < kThreads; ++t) {
    for (int r = 0; r < kRounds; ++r) {
      const Status& s = statuses[static_cast<std::size_t>(t)][static_cast<std::size_t>(r)];
      if (t == 0) {
        ASSERT_EQ(s.code(), StatusCode::kConflict) << "round " << r << ": " << s.to_string();
      } else {
        ASSERT_TRUE(s.is_ok()) << "thread " << t << " round " << r << ": " << s.to_string();
      }
    }
  }
  EXPECT_EQ(store.stream_info("contested")->version, 1);
  EXPECT_EQ(read_stream_events(store, "contested").size(), 1u);
  for (int t = 1; t < kThreads; ++t) {
    const auto events = read_stream_events(store, "own-" + std::to_string(t));
    ASSERT_EQ(events.size(), static_cast<std::size_t>(2 * kRounds));
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].version, static_cast<std::int64_t>(i + 1));
    }
  }
  const auto all = read_everything(store);
  EXPECT_EQ(all.size(), static_cast<std::size_t>(1 + 2 * kRounds * (kThreads - 1)));

  // Appends committed in one transaction share its recorded_at; report how much grouping
  // happened (informational: grouping depends on timing, correctness must not).
  std::map<Timestamp, std::set<std::string>> streams_per_commit;
  for (const RecordedEvent& e : all) streams_per_commit[e.recorded_at].insert(e.stream);
  std::size_t grouped = 0;
  for (const auto& [time, streams] : streams_per_commit) grouped += streams.size() > 1 ? 1u : 0u;
  RecordProperty("transactions_with_several_appends", static_cast<int>(grouped));
}

TEST(SqliteGroupCommit, ConcurrentAppendsToOneStreamWithExactVersionsNeverInterleave) {
  // Two threads each append 3 events per call to the same stream with exact versions, retrying
  // on conflict; every call's events must be contiguous in the stream.
  TempDir dir;
  auto opened = open_sqlite(dir.file("interleave.db"));
  ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
  EventStore& store = **opened;
  constexpr int kCalls = 30;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const auto events = make_events(3, t == 0 ? "a.E" : "b.E");
        for (int attempt = 0; attempt < 1000; ++attempt) {
          const std::int64_t v = store.stream_info("s").value_or(StreamInfo{}).version;
          auto r = store.append("s", ExpectedVersion::exact(v), events);
          if (r) break;
          ASSERT_EQ(r.error().code(), StatusCode::kConflict) << r.error().to_string();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto events = read_stream_events(store, "s");
  ASSERT_EQ(events.size(), 2u * kCalls * 3u);
  for (std::size_t i = 0; i < events.size(); i += 3) {
    EXPECT_EQ(events[i].type, events[i + 1].type);
    EXPECT_EQ(events[i].type, events[i + 2].type);
  }
}

}  // namespace
}  // namespace es::testing
