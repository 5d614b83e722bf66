// Several processes appending to one SQLite file at once (DESIGN §5: "several processes may open
// the same file; they take turns on SQLite's write lock").
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include "es/store/sqlite_store.h"
#include "sqlite/child_process.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

TEST(SqliteMultiProcess, ConcurrentProcessesLoseNothingAndKeepOneOrder) {
  constexpr int kChildren = 4;
  constexpr int kRounds = 100;
  TempDir dir;
  const std::string path = dir.file("shared.db");
  // The children also race to create and migrate the new file.
  std::vector<std::unique_ptr<ChildProcess>> children;
  for (int c = 0; c < kChildren; ++c) {
    children.push_back(std::make_unique<ChildProcess>(std::vector<std::string>{
        path, "child-" + std::to_string(c), std::to_string(kRounds), "normal"}));
  }
  std::vector<ChildAck> acks;
  for (auto& child : children) {
    child->read_to_end();
    EXPECT_EQ(child->wait(), 0) << "a child failed; see its stderr above";
    const auto mine = child->acks();
    EXPECT_EQ(mine.size(), static_cast<std::size_t>(2 * kRounds));
    acks.insert(acks.end(), mine.begin(), mine.end());
  }

  EXPECT_EQ(integrity_check(path), "ok");
  auto store = open_sqlite(path);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  const auto all = read_everything(**store);
  ASSERT_EQ(all.size(), acks.size()) << "stored events and acknowledged events differ";

  std::map<std::string, const RecordedEvent*> by_id;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) {
      ASSERT_GT(all[i].position, all[i - 1].position) << "positions not increasing";
    }
    EXPECT_GE(all[i].recorded_at, i > 0 ? all[i - 1].recorded_at : all[i].recorded_at);
    ASSERT_TRUE(by_id.emplace(all[i].id.to_string(), &all[i]).second) << "duplicate id";
  }
  for (const ChildAck& ack : acks) {
    auto it = by_id.find(ack.id);
    ASSERT_NE(it, by_id.end()) << "acknowledged append missing: " << ack.stream << " "
                               << ack.version;
    EXPECT_EQ(it->second->stream, ack.stream);
    EXPECT_EQ(it->second->version, ack.version);
    EXPECT_EQ(it->second->position.to_string(), ack.position);
  }
  const auto shared = read_stream_events(**store, "shared");
  ASSERT_EQ(shared.size(), static_cast<std::size_t>(kChildren * kRounds));
  for (std::size_t i = 0; i < shared.size(); ++i) {
    EXPECT_EQ(shared[i].version, static_cast<std::int64_t>(i + 1));
  }
  for (int c = 0; c < kChildren; ++c) {
    EXPECT_EQ((*store)->stream_info("child-" + std::to_string(c))->version, kRounds);
  }
}

}  // namespace
}  // namespace es::testing
