// Snapshots never change a load's result: for random histories, save sizes and snapshot
// intervals, a load through snapshots equals a full replay — at the head and at any version —
// a corrupted or incompatible snapshot falls back to the same full replay, and neither a
// snapshot nor the cache brings back history deleted or cut by retention by another writer.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "bank/account.h"
#include "es/domain/repository.h"
#include "es/store/memory_store.h"
#include "es/store/snapshot_store.h"

namespace es::testing {
namespace {

using bank::Account;

// Deposits (positive) and withdrawals (negative) saved in chunks of `chunk` commands or fewer.
struct History {
  std::vector<std::int64_t> amounts;
  std::vector<int> chunks;
};

void write(Repository<Account>& repo, const History& h) {
  RC_ASSERT(repo.execute("1", [](Account& a) { return a.open("ada", 1'000'000); }).has_value());
  std::size_t next = 0;
  for (std::size_t c = 0; next < h.amounts.size(); ++c) {
    const int size = h.chunks.empty() ? 1 : h.chunks[c % h.chunks.size()];
    auto done = repo.execute("1", [&](Account& a) {
      for (int i = 0; i < size && next + static_cast<std::size_t>(i) < h.amounts.size(); ++i) {
        const std::int64_t x = h.amounts[next + static_cast<std::size_t>(i)];
        ES_RETURN_IF_ERROR(x >= 0 ? a.deposit(x + 1) : a.withdraw(-x));
      }
      return Status::ok();
    });
    RC_ASSERT(done.has_value());
    next += static_cast<std::size_t>(size);
  }
}

void expect_same(const Result<Account>& a, const Result<Account>& b) {
  RC_ASSERT(a.has_value());
  RC_ASSERT(b.has_value());
  RC_ASSERT(a->balance() == b->balance());
  RC_ASSERT(a->version() == b->version());
  RC_ASSERT(a->is_open() == b->is_open());
}

rc::Gen<History> histories() {
  return rc::gen::build<History>(
      rc::gen::set(&History::amounts, rc::gen::container<std::vector<std::int64_t>>(
                                          rc::gen::inRange<std::int64_t>(-500, 500))),
      rc::gen::set(&History::chunks, rc::gen::container<std::vector<int>>(rc::gen::inRange(1, 6))));
}

RC_GTEST_PROP(SnapshotProperty, LoadWithSnapshotsEqualsFullReplay, ()) {
  const History h = *histories();
  const auto every = *rc::gen::inRange<std::int64_t>(1, 40);
  auto store = make_memory_store();
  auto snapshots = make_memory_snapshot_store();
  Repository<Account> snapped(*store, {.snapshot_every = every, .snapshots = snapshots.get()});
  Repository<Account> plain(*store);
  write(snapped, h);
  expect_same(snapped.load("1"), plain.load("1"));
  const std::int64_t head = plain.load("1")->version();
  const auto at = *rc::gen::inRange<std::int64_t>(0, head + 1);
  expect_same(snapped.load("1", AtVersion{at}), plain.load("1", AtVersion{at}));
  if (head >= every) RC_ASSERT(snapped.stats().snapshots_taken > 0U);
}

RC_GTEST_PROP(SnapshotProperty, ACorruptOrIncompatibleSnapshotFallsBackToFullReplay, ()) {
  const History h = *histories();
  auto store = make_memory_store();
  auto snapshots = make_memory_snapshot_store();
  Repository<Account> snapped(*store, {.snapshot_every = 1, .snapshots = snapshots.get()});
  Repository<Account> plain(*store);
  write(snapped, h);
  auto stored = snapshots->load("account-1");
  RC_ASSERT(stored.has_value() && stored->has_value());
  Snapshot bad = **stored;
  switch (*rc::gen::inRange(0, 4)) {
    case 0:
      bad.data = *rc::gen::arbitrary<std::string>();
      break;
    case 1:
      bad.schema_version = *rc::gen::suchThat(rc::gen::arbitrary<std::int32_t>(),
                                              [](std::int32_t v) { return v != 1; });
      break;
    case 2:
      bad.type = "something:else";
      break;
    default:
      bad.version += *rc::gen::inRange<std::int64_t>(1, 1000);  // claims events that do not exist
      break;
  }
  RC_ASSERT(snapshots->remove("account-1").is_ok());
  RC_ASSERT(snapshots->save(bad).is_ok());
  expect_same(snapped.load("1"), plain.load("1"));
}

// Another writer (a process without this repository's cache) deletes the stream, recreates it,
// changes its retention and appends, between the commands of a repository with a cache and
// snapshots: every load of that repository equals a full replay.
RC_GTEST_PROP(SnapshotProperty, NeitherCacheNorSnapshotBringsBackDeletedOrCutHistory, ()) {
  const auto every = *rc::gen::inRange<std::int64_t>(1, 6);
  const auto steps = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 6));
  auto store = make_memory_store();
  auto snapshots = make_memory_snapshot_store();
  Repository<Account> mine(
      *store, {.snapshot_every = every, .snapshots = snapshots.get(), .cache_size = 16});
  Repository<Account> cached(*store, {.cache_size = 16});
  Repository<Account> other(*store);
  Repository<Account> plain(*store);
  auto act = [](Account& a) { return a.is_open() ? a.deposit(7) : a.open("ada", 0); };
  for (const int step : steps) {
    switch (step) {
      case 0:
        RC_ASSERT(mine.execute("1", act).has_value());
        RC_ASSERT(cached.execute("1", act).has_value());
        break;
      case 1:
        RC_ASSERT(other.execute("1", act).has_value());
        break;
      case 2: {
        const Status deleted = store->delete_stream("account-1");
        RC_ASSERT(deleted.is_ok() || deleted.code() == StatusCode::kNotFound);
        break;
      }
      case 3: {
        const auto keep = *rc::gen::inRange<std::uint64_t>(1, 4);
        const Status set = store->set_retention("account-1", {.max_count = keep});
        RC_ASSERT(set.is_ok() || set.code() == StatusCode::kNotFound);
        break;
      }
      case 4: {
        const Status set = store->set_retention("account-1", {});
        RC_ASSERT(set.is_ok() || set.code() == StatusCode::kNotFound);
        break;
      }
      default:
        break;  // loads only
    }
    expect_same(mine.load("1"), plain.load("1"));
    expect_same(cached.load("1"), plain.load("1"));
  }
}

}  // namespace
}  // namespace es::testing
