// Checkpoint stores: load, compare-and-set save, remove and list, on every backend.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "projection/projection_backends.h"

namespace es::testing {
namespace {

using CheckpointStoreTest = ProjectionTest;

TEST_P(CheckpointStoreTest, AnUnknownNameHasNoCheckpoint) {
  auto loaded = checkpoints().load("balances");
  ES_ASSERT_OK(loaded);
  EXPECT_FALSE(loaded->has_value());
}

TEST_P(CheckpointStoreTest, SavesAndAdvancesFromTheExpectedPosition) {
  ES_ASSERT_OK(checkpoints().save("balances", std::nullopt, Position(0, 5)));
  ES_ASSERT_OK(checkpoints().save("balances", Position(0, 5), Position(0, 9)));
  auto loaded = checkpoints().load("balances");
  ES_ASSERT_OK(loaded);
  EXPECT_EQ(*loaded, std::optional<Position>(Position(0, 9)));
}

TEST_P(CheckpointStoreTest, ASaveExpectingAnotherPositionConflictsAndChangesNothing) {
  ES_ASSERT_OK(checkpoints().save("balances", std::nullopt, Position(0, 5)));
  const Status stale = checkpoints().save("balances", Position(0, 4), Position(0, 7));
  EXPECT_EQ(stale.code(), StatusCode::kConflict) << stale.to_string();
  EXPECT_NE(stale.message().find("actual 5"), std::string_view::npos) << stale.to_string();
  const Status fresh = checkpoints().save("balances", std::nullopt, Position(0, 7));
  EXPECT_EQ(fresh.code(), StatusCode::kConflict) << fresh.to_string();
  EXPECT_EQ(checkpoints().save("other", Position(0, 1), Position(0, 2)).code(),
            StatusCode::kConflict);
  auto loaded = checkpoints().load("balances");
  ES_ASSERT_OK(loaded);
  EXPECT_EQ(*loaded, std::optional<Position>(Position(0, 5)));
}

TEST_P(CheckpointStoreTest, OfRacingRunnersExactlyOneAdvancesTheCheckpoint) {
  constexpr int kRunners = 8;
  ES_ASSERT_OK(checkpoints().save("balances", std::nullopt, Position(0, 1)));
  // Each database runner has its own connection; memory runners share the one store.
  std::vector<std::unique_ptr<CheckpointStore>> handles;
  for (int i = 0; is_database() && i < kRunners; ++i) handles.push_back(open_checkpoints());
  std::latch go(kRunners);
  std::atomic<int> won{0}, conflicted{0};
  std::vector<std::thread> runners;
  for (int i = 0; i < kRunners; ++i) {
    runners.emplace_back([&, i] {
      go.arrive_and_wait();
      CheckpointStore& mine = is_database() ? *handles[static_cast<std::size_t>(i)] : checkpoints();
      const Status s =
          mine.save("balances", Position(0, 1), Position(0, 10 + static_cast<std::uint64_t>(i)));
      if (s.is_ok()) ++won;
      if (s.code() == StatusCode::kConflict) ++conflicted;
    });
  }
  for (auto& t : runners) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicted.load(), kRunners - 1);
}

TEST_P(CheckpointStoreTest, RemoveForgetsTheCheckpointSoItCanStartOver) {
  ES_ASSERT_OK(checkpoints().save("balances", std::nullopt, Position(0, 5)));
  ES_ASSERT_OK(checkpoints().remove("balances"));
  ES_ASSERT_OK(checkpoints().remove("never-saved"));
  auto loaded = checkpoints().load("balances");
  ES_ASSERT_OK(loaded);
  EXPECT_FALSE(loaded->has_value());
  ES_EXPECT_OK(checkpoints().save("balances", std::nullopt, Position(0, 2)));
}

TEST_P(CheckpointStoreTest, ListsEveryCheckpointByName) {
  ES_ASSERT_OK(checkpoints().save("b", std::nullopt, Position(0, 2)));
  ES_ASSERT_OK(checkpoints().save("a", std::nullopt, Position(0, 1)));
  auto all = checkpoints().list();
  ES_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2U);
  EXPECT_EQ((*all)[0].name, "a");
  EXPECT_EQ((*all)[0].position, Position(0, 1));
  EXPECT_EQ((*all)[1].name, "b");
  EXPECT_GT((*all)[1].updated_at, Timestamp{});
}

TEST_P(CheckpointStoreTest, RejectsEmptyAndOverlongNames) {
  EXPECT_EQ(code_of(checkpoints().load("")), StatusCode::kInvalidArgument);
  EXPECT_EQ(checkpoints().save(std::string(257, 'x'), std::nullopt, Position(0, 1)).code(),
            StatusCode::kInvalidArgument);
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(CheckpointStoreTest);

// Only a SQLite checkpoint store outlives its object.
TEST(SqliteCheckpointStore, ASavedCheckpointSurvivesReopening) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  {
    auto checkpoints = open_sqlite_checkpoint_store(path);
    ES_ASSERT_OK(checkpoints);
    ES_ASSERT_OK((*checkpoints)->save("balances", std::nullopt, Position(0, 42)));
  }
  auto reopened = open_sqlite_checkpoint_store(path);
  ES_ASSERT_OK(reopened);
  auto loaded = (*reopened)->load("balances");
  ES_ASSERT_OK(loaded);
  EXPECT_EQ(*loaded, std::optional<Position>(Position(0, 42)));
}

}  // namespace
}  // namespace es::testing
