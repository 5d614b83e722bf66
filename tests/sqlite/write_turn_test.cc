// Writers of one file take turns at its write lock (store/sqlite/write_turn.h): a connection that
// keeps committing lets one that waits go first, and the turn file's locks are per connection.
#include "store/sqlite/write_turn.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/connection.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(WriteTurn, OneConnectionHoldsTheTurnAndTheOthersSeeItWaiting) {
  TempDir dir;
  const std::string path = dir.file("t.db");
  auto a = sqlite::WriteTurn::open(path);
  auto b = sqlite::WriteTurn::open(path);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(a->others_waiting());
  ASSERT_TRUE(b->enter(steady_clock::now() + milliseconds(100)));
  EXPECT_TRUE(a->others_waiting());
  EXPECT_FALSE(a->enter(steady_clock::now() + milliseconds(5))) << "the turn is b's";
  EXPECT_TRUE(b->others_waiting()) << "a counts as waiting still";
  b->leave();
  EXPECT_FALSE(a->others_waiting());
  ASSERT_TRUE(a->enter(steady_clock::now() + milliseconds(100)));
  EXPECT_TRUE(b->others_waiting());
  a->leave();
}

Result<sqlite::Connection> writer(const std::string& path) {
  auto conn = sqlite::Connection::open(path, /*read_only=*/false, /*busy_timeout_ms=*/10'000);
  if (conn) ES_RETURN_IF_ERROR(conn->exec("PRAGMA journal_mode=WAL"));
  return conn;
}

TEST(WriteTurn, AWriterThatKeepsCommittingLetsAWaitingOneGoFirst) {
  TempDir dir;
  const std::string path = dir.file("t.db");
  auto busy = writer(path);
  auto waiting = writer(path);
  ASSERT_TRUE(busy && waiting);
  ASSERT_TRUE(busy->exec("CREATE TABLE t (who TEXT)").is_ok());
  auto probe = sqlite::WriteTurn::open(path);
  ASSERT_NE(probe, nullptr);

  ASSERT_TRUE(busy->begin_write().is_ok());
  std::mutex mutex;
  std::vector<std::string> order;
  std::thread other([&] {
    ASSERT_TRUE(waiting->begin_write().is_ok());
    {
      const std::lock_guard lock(mutex);
      order.push_back("waiting");
    }
    ASSERT_TRUE(waiting->exec("INSERT INTO t VALUES ('waiting'); COMMIT").is_ok());
  });
  while (!probe->others_waiting()) std::this_thread::yield();
  // Past the streak a committing writer may keep while others wait (2 ms in connection.cc).
  std::this_thread::sleep_for(milliseconds(5));
  ASSERT_TRUE(busy->exec("COMMIT").is_ok());
  ASSERT_TRUE(busy->begin_write().is_ok());
  {
    const std::lock_guard lock(mutex);
    order.push_back("busy");
  }
  ASSERT_TRUE(busy->exec("COMMIT").is_ok());
  other.join();
  EXPECT_EQ(order, (std::vector<std::string>{"waiting", "busy"}));
}

TEST(WriteTurn, ATurnHeldByAStoppedWriterDoesNotKeepOthersFromAFreeLock) {
  TempDir dir;
  const std::string path = dir.file("t.db");
  auto conn = writer(path);
  ASSERT_TRUE(conn);
  // A process that took the turn and was then stopped (SIGSTOP) keeps its locks.
  auto stopped = sqlite::WriteTurn::open(path);
  ASSERT_NE(stopped, nullptr);
  ASSERT_TRUE(stopped->enter(steady_clock::now() + milliseconds(100)));
  ES_EXPECT_OK(conn->begin_write());
  ES_EXPECT_OK(conn->exec("COMMIT"));
  stopped->leave();
}

}  // namespace
}  // namespace es::testing
