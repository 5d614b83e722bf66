// The SQLite backend's checkpoints (src/store/sqlite/checkpointer.h): the WAL reaches the database
// file while the store stays open, on the checkpointer's thread, and the WAL stays bounded under
// appends that never pause.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "es/store/sqlite_store.h"
#include "sqlite/raw_sqlite.h"
#include "store/sqlite/checkpointer.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

using sqlite::Checkpointer;

constexpr std::uintmax_t kPageSize = 4096;  // SQLite's default, which the store keeps

// `count` events whose data fills about `bytes`, so a few appends fill many WAL pages.
std::vector<EventData> large_events(std::size_t count, std::size_t bytes) {
  std::vector<EventData> events = make_events(count);
  for (EventData& event : events) event.data = R"({"pad":")" + std::string(bytes, 'x') + R"("})";
  return events;
}

// Appends 20 large events at a time to stream "big" until about `bytes` are written; returns how
// many events were appended.
std::size_t append_about(EventStore& store, std::uintmax_t bytes) {
  std::size_t appended = 0;
  for (std::uintmax_t written = 0; written < bytes; written += 20 * 16'384) {
    ES_EXPECT_OK(store.append("big", ExpectedVersion::any(), large_events(20, 16'384)));
    appended += 20;
  }
  return appended;
}

std::uintmax_t size_of(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

TEST(SqliteCheckpoint, TheWalReachesTheDatabaseFileWhileTheStoreStaysOpen) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  SqliteOptions options;
  options.wal_restart_pages = 1'000'000;  // so that the writer's commits never copy pages
  auto store = open_sqlite(path, options);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  const std::uintmax_t empty = size_of(path);
  // Some 2 × kBackgroundPages pages of events, then nothing more: only the checkpointer's thread
  // can copy them into the file while it stays open.
  const std::uintmax_t target = 2 * Checkpointer::kBackgroundPages * kPageSize;
  const std::size_t appended = append_about(**store, target);
  // Polls an observable outcome with a deadline (the thread runs on its own time).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (size_of(path) < empty + target / 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(size_of(path), empty + target / 2) << "the WAL was not checkpointed";
  EXPECT_EQ(read_stream_events(**store, "big").size(), appended);
  EXPECT_EQ(integrity_check(path), "ok");
}

TEST(SqliteCheckpoint, TheWalStaysBoundedUnderAppendsThatNeverPause) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  SqliteOptions options;
  options.wal_restart_pages = 2000;  // 8 MB, not the default's 62.5 MiB
  auto store = open_sqlite(path, options);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  // Three times the mark at which the writer copies what is left itself, appended back to back:
  // without that the WAL would only restart when an append happened to find it fully copied.
  const std::uintmax_t mark = 2 * std::uintmax_t{2000} * kPageSize;
  const std::size_t appended = append_about(**store, 3 * mark);
  // The WAL file keeps its largest size when it restarts, so this bounds every moment of the run
  // (at the mark, the thread's checkpoint in progress may still hold SQLite's checkpoint lock).
  EXPECT_LE(size_of(path + "-wal"), 2 * mark);
  EXPECT_EQ(read_stream_events(**store, "big").size(), appended);
}

TEST(SqliteCheckpoint, CloseLeavesEveryEventInTheDatabaseFile) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  std::size_t appended = 0;
  {
    auto store = open_sqlite(path);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    appended = append_about(**store, Checkpointer::kBackgroundPages * kPageSize * 3 / 2);
  }
  // The last connection to close checkpoints and removes the WAL, as with SQLite's defaults.
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  EXPECT_EQ(sqlite_query(path, "SELECT count(*) FROM events"),
            std::vector<std::string>{std::to_string(appended)});
}

}  // namespace
}  // namespace es::testing
