// Many threads on one store: every acknowledged append is present exactly once, versions stay
// contiguous, exactly one of several racing writers wins, and a reader following the feed from
// a checkpoint never skips an event.
#include <atomic>
#include <barrier>
#include <map>
#include <set>
#include <thread>

#include "conformance/backends.h"

namespace es::testing {
namespace {

constexpr int kThreads = 8;

class Concurrency : public StoreTest {};

struct Ack {
  std::string stream;
  std::int64_t version;
  Uuid id;
};

TEST_P(Concurrency, ParallelWritersLoseNothingAndKeepVersionsContiguous) {
  constexpr int kRounds = 40;
  std::vector<std::vector<Ack>> acks(kThreads);
  std::vector<std::string> failures(kThreads);
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto& mine = acks[static_cast<std::size_t>(t)];
      const std::string own = "own-" + std::to_string(t);
      std::int64_t version = 0;
      start.arrive_and_wait();
      for (int i = 0; i < kRounds; ++i) {
        const auto events = make_events(static_cast<std::size_t>(1 + i % 2));
        auto r = store().append(own, ExpectedVersion::exact(version), events);
        if (!r) {
          failures[static_cast<std::size_t>(t)] = own + ": " + r.error().to_string();
          return;
        }
        for (std::size_t k = 0; k < events.size(); ++k) {
          mine.push_back({own, r->first_version + static_cast<std::int64_t>(k), events[k].id});
        }
        version = r->last_version;
        const auto shared = make_events(1);
        auto s = store().append("shared", ExpectedVersion::any(), shared);
        if (!s) {
          failures[static_cast<std::size_t>(t)] = "shared: " + s.error().to_string();
          return;
        }
        mine.push_back({"shared", s->first_version, shared[0].id});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const std::string& f : failures) ASSERT_EQ(f, "");

  // Every acknowledged event is stored where its acknowledgement said.
  std::map<Uuid, RecordedEvent> stored;
  const auto all = read_everything(store());
  for (const RecordedEvent& e : all) {
    ASSERT_TRUE(stored.emplace(e.id, e).second) << "id stored twice: " << e.id.to_string();
  }
  std::size_t acknowledged = 0;
  for (const auto& mine : acks) {
    std::int64_t last_shared = 0;
    for (const Ack& ack : mine) {
      ++acknowledged;
      auto it = stored.find(ack.id);
      ASSERT_NE(it, stored.end()) << "acknowledged event missing: " << ack.id.to_string();
      EXPECT_EQ(it->second.stream, ack.stream);
      EXPECT_EQ(it->second.version, ack.version);
      if (ack.stream == "shared") {
        EXPECT_GT(ack.version, last_shared) << "one thread's appends went back in version";
        last_shared = ack.version;
      }
    }
  }
  EXPECT_EQ(all.size(), acknowledged) << "events that nobody acknowledged were stored";
  for (std::size_t i = 1; i < all.size(); ++i) ASSERT_GT(all[i].position, all[i - 1].position);

  // Versions are contiguous from 1 in every stream.
  for (int t = 0; t <= kThreads; ++t) {
    const std::string stream = t == kThreads ? "shared" : "own-" + std::to_string(t);
    const auto events = read_stream_events(store(), stream);
    for (std::size_t i = 0; i < events.size(); ++i) {
      ASSERT_EQ(events[i].version, static_cast<std::int64_t>(i + 1)) << stream;
    }
    EXPECT_EQ(store().stream_info(stream)->version, static_cast<std::int64_t>(events.size()));
  }
  EXPECT_EQ(read_stream_events(store(), "shared").size(),
            static_cast<std::size_t>(kThreads * kRounds));
}

TEST_P(Concurrency, RacingOnOneExpectedVersionExactlyOneWinsEachRound) {
  constexpr int kRounds = 30;
  struct Outcome {
    bool won = false;
    StatusCode code = StatusCode::kOk;
    std::int64_t actual = -1;
    Uuid id;
  };
  std::vector<std::vector<Outcome>> outcomes(kRounds, std::vector<Outcome>(kThreads));
  std::barrier round(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        round.arrive_and_wait();  // everyone races on exact(r) at once
        const auto events = make_events(1);
        auto result = store().append("race", ExpectedVersion::exact(r), events);
        Outcome& o = outcomes[static_cast<std::size_t>(r)][static_cast<std::size_t>(t)];
        o.won = result.has_value();
        o.id = events[0].id;
        if (!result) {
          o.code = result.error().code();
          if (const VersionConflict* c = result.error().conflict()) o.actual = c->actual;
        }
        round.arrive_and_wait();  // the round is decided before the next one starts
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::vector<Uuid> winners;
  for (int r = 0; r < kRounds; ++r) {
    int won = 0;
    for (const Outcome& o : outcomes[static_cast<std::size_t>(r)]) {
      if (o.won) {
        ++won;
        winners.push_back(o.id);
        continue;
      }
      EXPECT_EQ(o.code, StatusCode::kConflict) << "round " << r;
      EXPECT_EQ(o.actual, r + 1) << "a loser sees the winner's version, round " << r;
    }
    EXPECT_EQ(won, 1) << "round " << r;
  }
  EXPECT_EQ(ids_of(read_stream_events(store(), "race")), winners);
  EXPECT_EQ(store().stream_info("race")->version, kRounds);
}

TEST_P(Concurrency, AReaderFollowingTheFeedNeverSkipsAnEvent) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 60;
  std::atomic<bool> writing{true};
  std::vector<RecordedEvent> followed;
  std::string reader_error;
  std::thread reader([&] {
    Position checkpoint = Position::start();
    auto catch_up = [&] {
      auto page = store().read_all({.from = checkpoint, .max_count = 50});
      if (!page) {
        reader_error = page.error().to_string();
        return false;
      }
      followed.insert(followed.end(), page->events.begin(), page->events.end());
      checkpoint = page->next;
      return page->end;
    };
    while (writing.load()) {
      if (catch_up()) std::this_thread::yield();  // caught up: let the writers run
      if (!reader_error.empty()) return;
    }
    while (reader_error.empty() && !catch_up()) {
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        auto r = store().append("w-" + std::to_string(w % 2), ExpectedVersion::any(),
                                make_events(static_cast<std::size_t>(1 + i % 3)));
        EXPECT_TRUE(r.has_value()) << r.error().to_string();
      }
    });
  }
  for (auto& writer : writers) writer.join();
  writing = false;
  reader.join();
  ASSERT_EQ(reader_error, "");
  const auto all = read_everything(store());
  EXPECT_EQ(ids_of(followed), ids_of(all)) << "the follower skipped or repeated events";
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(Concurrency);

}  // namespace
}  // namespace es::testing
