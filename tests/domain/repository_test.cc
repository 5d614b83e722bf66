// The repository over both backends: commands, rejections, atomic multi-aggregate saves,
// conflict retries, temporal loads, metadata propagation, snapshots, upcasting and the cache.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "bank/account.h"
#include "es/domain/repository.h"
#include "es/store/memory_store.h"
#include "es/store/sqlite_store.h"
#include "support/temp_dir.h"

namespace counter {

struct Incremented {
  std::int64_t by = 0;
};
ES_EVENT(Incremented, "counter.Incremented", 1, by)

struct State {
  std::int64_t total = 0;
};
ES_FIELDS(State, total)

struct Increment {
  std::int64_t by = 0;
};

struct Counter {
  using State = counter::State;
  using EventVariant = std::variant<Incremented>;
  using Command = Increment;
  static constexpr std::string_view kCategory = "counter";
  static constexpr std::int32_t kSnapshotVersion = 1;
  static State initial() { return {}; }
  static State evolve(State s, const EventVariant& e) {
    s.total += std::get<Incremented>(e).by;
    return s;
  }
  static es::Result<std::vector<EventVariant>> decide(const Command& c, const State&) {
    if (c.by <= 0) return es::Status::rejected("increment must be positive");
    return std::vector<EventVariant>{Incremented{c.by}};
  }
};

}  // namespace counter

namespace es::testing {
namespace {

using bank::Account;

class RepositoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = make_memory_store();
      snapshots_ = make_memory_snapshot_store();
    } else {
      store_ = std::move(*open_sqlite(dir_.file("events.db")));
      snapshots_ = std::move(*open_sqlite_snapshot_store(dir_.file("events.db")));
    }
  }
  Status open_account(Repository<Account>& repo, const std::string& id, std::int64_t cents) {
    auto r = repo.execute(id, [&](Account& a) {
      ES_RETURN_IF_ERROR(a.open("owner-" + id, 0));
      return cents > 0 ? a.deposit(cents) : Status::ok();
    });
    return r ? Status::ok() : r.error();
  }

  TempDir dir_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<SnapshotStore> snapshots_;
};

TEST_P(RepositoryTest, ExecuteAppendsAndLoadReplays) {
  Repository<Account> accounts(*store_);
  ASSERT_TRUE(open_account(accounts, "1", 500).is_ok());
  auto withdrawn = accounts.execute("1", [](Account& a) { return a.withdraw(200); });
  ASSERT_TRUE(withdrawn) << withdrawn.error().to_string();
  EXPECT_EQ(withdrawn->version, 3);
  EXPECT_EQ(withdrawn->events, 1U);
  auto loaded = accounts.load("1");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->balance(), 300);
  EXPECT_EQ(loaded->version(), 3);
  EXPECT_EQ(loaded->owner(), "owner-1");
}

TEST_P(RepositoryTest, ARejectedCommandWritesNothing) {
  Repository<Account> accounts(*store_);
  ASSERT_TRUE(open_account(accounts, "1", 100).is_ok());
  auto r = accounts.execute("1", [](Account& a) { return a.withdraw(101); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kRejected);
  EXPECT_EQ(store_->stream_info("account-1")->version, 2);
}

TEST_P(RepositoryTest, ATransferSavesBothAccountsAtomically) {
  Repository<Account> accounts(*store_);
  ASSERT_TRUE(open_account(accounts, "a", 1000).is_ok());
  ASSERT_TRUE(open_account(accounts, "b", 0).is_ok());
  auto a = *accounts.load("a");
  auto b = *accounts.load("b");
  ASSERT_TRUE(a.withdraw(300).is_ok());
  ASSERT_TRUE(b.deposit(300).is_ok());
  // A concurrent change to b makes the whole transfer fail: a is not debited either.
  ASSERT_TRUE(accounts.execute("b", [](Account& x) { return x.deposit(1); }));
  EXPECT_EQ(accounts.save({}, a, b).code(), StatusCode::kConflict);
  EXPECT_EQ(accounts.load("a")->balance(), 1000);
  EXPECT_EQ(a.uncommitted().size(), 1U);
  // Reloaded, the transfer goes through as one append.
  a = *accounts.load("a");
  b = *accounts.load("b");
  ASSERT_TRUE(a.withdraw(300).is_ok());
  ASSERT_TRUE(b.deposit(300).is_ok());
  ASSERT_TRUE(accounts.save({}, a, b).is_ok());
  EXPECT_EQ(accounts.load("a")->balance(), 700);
  EXPECT_EQ(accounts.load("b")->balance(), 301);
  EXPECT_TRUE(a.uncommitted().empty());
  EXPECT_EQ(a.version(), 3);
}

TEST_P(RepositoryTest, ExecuteRetriesAfterAConcurrentModification) {
  Repository<Account> accounts(*store_);
  ASSERT_TRUE(open_account(accounts, "1", 100).is_ok());
  int calls = 0;
  auto r = accounts.execute("1", [&](Account& a) {
    if (++calls == 1) {
      // Another writer changes the account between this load and its save.
      EXPECT_TRUE(accounts.execute("1", [](Account& x) { return x.deposit(50); }));
    }
    return a.withdraw(80);
  });
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(accounts.load("1")->balance(), 70);
  EXPECT_EQ(accounts.stats().conflict_retries, 1U);
}

TEST_P(RepositoryTest, LoadsAtAVersionAndAtATime) {
  Repository<Account> accounts(*store_);
  ASSERT_TRUE(open_account(accounts, "1", 100).is_ok());
  ASSERT_TRUE(accounts.execute("1", [](Account& a) { return a.deposit(10); }));
  ASSERT_TRUE(accounts.execute("1", [](Account& a) { return a.deposit(1); }));
  EXPECT_EQ(accounts.load("1", AtVersion{2})->balance(), 100);
  EXPECT_EQ(accounts.load("1", AtVersion{3})->balance(), 110);
  auto events = store_->read_stream("account-1");
  EXPECT_EQ(accounts.load("1", AsOf{events->events[2].recorded_at})->balance(), 110);
  EXPECT_EQ(
      accounts.load("1", AsOf{events->events[0].recorded_at - std::chrono::seconds(1)})->version(),
      0);
}

TEST_P(RepositoryTest, MetadataCarriesCorrelationCausationActorAndTrace) {
  Repository<Account> accounts(*store_);
  CommandContext ctx{.command_id = "cmd-1",
                     .correlation_id = "conv-9",
                     .actor = "alice",
                     .traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"};
  ASSERT_TRUE(accounts.execute(
      "1", [](Account& a) { return a.open("ada", 0); }, ctx));
  auto e = store_->read_stream("account-1")->events.at(0);
  EXPECT_EQ(e.metadata,
            R"({"correlation_id":"conv-9","causation_id":"cmd-1","actor":"alice",)"
            R"("traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})");
  const CommandContext next = CommandContext::caused_by(e);
  EXPECT_EQ(next.correlation_id, "conv-9");
  EXPECT_EQ(next.causation_id, e.id.to_string());
  EXPECT_EQ(next.traceparent, ctx.traceparent);
}

TEST_P(RepositoryTest, DeciderStyleExecutesAndLoads) {
  Repository<counter::Counter> counters(*store_);
  ASSERT_TRUE(counters.execute("c", counter::Increment{2}));
  ASSERT_TRUE(counters.execute("c", counter::Increment{3}));
  EXPECT_EQ(counters.execute("c", counter::Increment{0}).error().code(), StatusCode::kRejected);
  auto c = counters.load("c");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state.total, 5);
  EXPECT_EQ(c->version, 2);
}

TEST_P(RepositoryTest, SnapshotsAreTakenWhenASaveCrossesTheIntervalAndGiveTheSameLoad) {
  Repository<Account> plain(*store_);
  Repository<Account> snapped(*store_, {.snapshot_every = 5, .snapshots = snapshots_.get()});
  ASSERT_TRUE(open_account(snapped, "1", 1).is_ok());  // versions 1-2
  // Saves of 3 events each cross 5 (at 5 → version 5) and 10 (at 11), landing on neither.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(snapped.execute("1", [](Account& a) {
      ES_RETURN_IF_ERROR(a.deposit(1));
      ES_RETURN_IF_ERROR(a.deposit(2));
      return a.deposit(3);
    }));
  }
  EXPECT_EQ(snapped.stats().snapshots_taken, 2U);
  EXPECT_EQ((*snapshots_->load("account-1"))->version, 11);
  const auto before = snapped.stats();
  auto fast = snapped.load("1");
  auto full = plain.load("1");
  EXPECT_EQ(snapped.stats().snapshot_loads, before.snapshot_loads + 1);
  EXPECT_EQ(snapped.stats().events_replayed, before.events_replayed);  // the snapshot is at head
  EXPECT_EQ(fast->balance(), full->balance());
  EXPECT_EQ(fast->version(), full->version());
  EXPECT_EQ(fast->balance(), 19);
}

TEST_P(RepositoryTest, ACorruptOrIncompatibleSnapshotFallsBackToReplay) {
  Repository<Account> snapped(*store_, {.snapshot_every = 1, .snapshots = snapshots_.get()});
  ASSERT_TRUE(open_account(snapped, "1", 40).is_ok());
  ASSERT_TRUE(
      snapshots_->save({"account-1", 99, "account:snapshot", 1, "{not json", now()}).is_ok());
  EXPECT_EQ(snapped.load("1")->balance(), 40);  // version 99 > stream: does not fit
  ASSERT_TRUE(snapshots_->remove("account-1").is_ok());
  ASSERT_TRUE(
      snapshots_->save({"account-1", 2, "account:snapshot", 1, "{not json", now()}).is_ok());
  EXPECT_EQ(snapped.load("1")->balance(), 40);
  ASSERT_TRUE(snapshots_->remove("account-1").is_ok());
  ASSERT_TRUE(snapshots_->save({"account-1", 2, "account:snapshot", 7, R"({"balance_":1})", now()})
                  .is_ok());
  EXPECT_EQ(snapped.load("1")->balance(), 40);
  EXPECT_GE(snapped.stats().snapshot_failures, 2U);
}

TEST_P(RepositoryTest, ASnapshotOfADeletedHistoryIsNotUsed) {
  Repository<Account> snapped(*store_, {.snapshot_every = 1, .snapshots = snapshots_.get()});
  ASSERT_TRUE(open_account(snapped, "1", 40).is_ok());
  ASSERT_TRUE(store_->delete_stream("account-1").is_ok());
  auto a = snapped.load("1");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->is_open());
  EXPECT_EQ(a->balance(), 0);
}

TEST_P(RepositoryTest, UpcastersRenameReshapeAndSplitStoredEvents) {
  // History written by an older release: a renamed type, an old shape, and a combined event.
  const std::vector<EventData> old{{.type = "bank.Opened", .data = R"({"owner":"ada"})"},
                                   {.type = "bank.Deposit", .data = R"({"euros":2})"},
                                   {.type = "bank.DepositedTwice", .data = R"({"a":5,"b":7})"}};
  ASSERT_TRUE(store_->append("account-1", ExpectedVersion::no_stream(), old));
  Upcasters up;
  ASSERT_TRUE(up.rename("bank.Opened", 1, "bank.AccountOpened", 1).is_ok());
  // Two chained steps: reshape v1 -> v2, then rename v2 to the current type.
  ASSERT_TRUE(up.add_json("bank.Deposit", 1, [](nlohmann::json& d) {
                  d["cents"] = d["euros"].get<int>() * 100;
                }).is_ok());
  ASSERT_TRUE(up.rename("bank.Deposit", 2, "bank.MoneyDeposited", 1).is_ok());
  ASSERT_TRUE(
      up.add("bank.DepositedTwice", 1, [](StoredPayload p) -> Result<std::vector<StoredPayload>> {
          auto d = nlohmann::json::parse(p.data);
          return std::vector<StoredPayload>{
              {"bank.MoneyDeposited", 1, nlohmann::json{{"cents", d["a"]}}.dump()},
              {"bank.MoneyDeposited", 1, nlohmann::json{{"cents", d["b"]}}.dump()}};
        }).is_ok());
  Repository<Account> without(*store_);
  EXPECT_EQ(without.load("1").error().code(), StatusCode::kInvalidArgument);
  Repository<Account> with(*store_, {.upcasters = &up});
  auto a = with.load("1");
  ASSERT_TRUE(a) << a.error().to_string();
  EXPECT_EQ(a->balance(), 212);
  EXPECT_EQ(a->version(), 3);  // the stream version, not the number of upcast events
  EXPECT_TRUE(a->is_open());
}

TEST_P(RepositoryTest, AJsonUpcasterMeetingDataOfAnotherShapeFailsTheLoadAsAStatus) {
  const std::vector<EventData> old{{.type = "bank.Deposit", .data = R"({"euros":"two"})"}};
  ASSERT_TRUE(store_->append("account-1", ExpectedVersion::no_stream(), old));
  Upcasters up;
  ASSERT_TRUE(up.add_json("bank.Deposit", 1, [](nlohmann::json& d) {
                  d["cents"] = d["euros"].get<int>() * 100;  // throws: "two" is no number
                }).is_ok());
  Repository<Account> with(*store_, {.upcasters = &up});
  auto a = with.load("1");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(a.error().message().find("bank.Deposit"), std::string_view::npos)
      << a.error().to_string();
}

// Found by fuzz/upcast.cc: nlohmann::json recursed once per level and overflowed the stack.
TEST(Upcasters, AJsonStepRefusesDataNestedTooDeepAsAStatus) {
  Upcasters up;
  ASSERT_TRUE(up.add_json("t.Deep", 1, [](nlohmann::json&) {}).is_ok());
  const std::size_t levels = 200'000;
  std::vector<StoredPayload> out;
  const Status s =
      up.upcast({"t.Deep", 1, std::string(levels, '[') + std::string(levels, ']')}, out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("nested deeper than 512 levels"), std::string_view::npos)
      << s.to_string();
  EXPECT_FALSE(
      up.upcast({"t.Deep", 1, std::string(513, '[') + std::string(513, ']')}, out).is_ok());
  EXPECT_TRUE(
      up.upcast({"t.Deep", 1, std::string(512, '[') + "1" + std::string(512, ']')}, out).is_ok());
}

TEST_P(RepositoryTest, TheCacheFastForwardsOverNewerEvents) {
  Repository<Account> cached(*store_, {.cache_size = 10});
  Repository<Account> other(*store_);
  ASSERT_TRUE(open_account(cached, "1", 5).is_ok());
  ASSERT_TRUE(other.execute("1", [](Account& a) { return a.deposit(6); }));
  auto a = cached.load("1");
  EXPECT_EQ(a->balance(), 11);
  EXPECT_EQ(cached.stats().cache_hits, 1U);
  EXPECT_EQ(cached.stats().events_replayed, 1U);
}

TEST_P(RepositoryTest, ConcurrentCommandsOnOneAccountLoseNoUpdate) {
  Repository<Account> accounts(*store_, {.max_attempts = 100});
  ASSERT_TRUE(open_account(accounts, "1", 0).is_ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        EXPECT_TRUE(accounts.execute("1", [](Account& a) { return a.deposit(1); }));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accounts.load("1")->balance(), 100);
}

TEST_P(RepositoryTest, UnitOfWorkSavesAggregatesOfBothStylesInOneAppend) {
  Repository<Account> accounts(*store_, {.snapshot_every = 2, .snapshots = snapshots_.get()});
  Repository<counter::Counter> counters(*store_);
  ASSERT_TRUE(open_account(accounts, "1", 0).is_ok());
  auto account = accounts.load("1");
  auto count = counters.load("c");
  ASSERT_TRUE(account && count);
  ASSERT_TRUE(account->deposit(300).is_ok());

  UnitOfWork work(*store_, {.actor = "ada"});
  accounts.stage(work, *account);
  counters.stage(work, *count, {counter::Incremented{2}, counter::Incremented{3}});
  // Nothing moves before the commit.
  EXPECT_EQ(account->persisted_version(), 1);
  EXPECT_EQ(count->version, 0);
  ASSERT_TRUE(work.commit().is_ok());

  EXPECT_EQ(account->version(), 2);
  EXPECT_TRUE(account->uncommitted().empty());
  EXPECT_EQ(count->version, 2);
  EXPECT_EQ(count->state.total, 5);
  EXPECT_EQ(accounts.load("1")->balance(), 300);
  EXPECT_EQ(counters.load("c")->state.total, 5);
  EXPECT_EQ(accounts.stats().snapshots_taken, 1U);  // the unit's save crossed version 2

  // One command id for the unit: every event names the same correlation and cause.
  auto a = store_->read_stream("account-1", {.from_version = 2});
  auto c = store_->read_stream("counter-c");
  ASSERT_TRUE(a && c);
  ASSERT_EQ(c->events.size(), 2U);
  const auto meta = nlohmann::json::parse(a->events[0].metadata);
  EXPECT_EQ(meta["actor"], "ada");
  for (const RecordedEvent& e : c->events) {
    EXPECT_EQ(nlohmann::json::parse(e.metadata), meta);
  }
  EXPECT_EQ(a->events[0].position.minor() + 1, c->events[0].position.minor());
  EXPECT_FALSE(work.commit().is_ok());  // a unit commits once
}

TEST_P(RepositoryTest, UnitOfWorkWithOneStaleAggregateWritesNothing) {
  Repository<Account> accounts(*store_);
  Repository<counter::Counter> counters(*store_);
  ASSERT_TRUE(open_account(accounts, "1", 100).is_ok());
  auto account = accounts.load("1");
  auto count = counters.load("c");
  ASSERT_TRUE(account && count);
  // Someone else increments the counter after it was loaded.
  ASSERT_TRUE(counters.execute("c", counter::Increment{7}));

  ASSERT_TRUE(account->withdraw(40).is_ok());
  UnitOfWork work(*store_);
  accounts.stage(work, *account);
  counters.stage(work, *count, {counter::Incremented{1}});
  Status s = work.commit();
  EXPECT_EQ(s.code(), StatusCode::kConflict) << s.to_string();

  // Both aggregates are as they were, and the store holds neither change.
  EXPECT_EQ(account->uncommitted().size(), 1U);
  EXPECT_EQ(account->persisted_version(), 2);
  EXPECT_EQ(count->version, 0);
  EXPECT_EQ(accounts.load("1")->balance(), 100);
  EXPECT_EQ(counters.load("c")->state.total, 7);
}

INSTANTIATE_TEST_SUITE_P(Backends, RepositoryTest, ::testing::Values("memory", "sqlite"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace es::testing
