// Three member processes of one consumer group consume one SQLite store while events are
// appended to many streams: every event is handled exactly once overall, each stream by the
// member its hash names, in stream order.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "es/projection/consumer_group.h"
#include "es/store/sqlite_store.h"
#include "projection/ledger.h"
#include "sqlite/child_process.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

constexpr std::uint32_t kMembers = 3;

// Reads the child's reports until it says it has delivered everything up to `head`.
void wait_until_delivered(ChildProcess& child, Position head) {
  for (;;) {
    const auto acks = child.acks();
    if (!acks.empty()) {
      auto reached = Position::parse(acks.back().position);
      ASSERT_TRUE(reached.has_value()) << acks.back().position;
      if (*reached >= head) return;
    }
    ASSERT_TRUE(child.read_some(std::chrono::milliseconds(60'000))) << "a member exited early";
  }
}

TEST(ConsumerGroupProcesses, ThreeMembersHandleEveryEventExactlyOnceInStreamOrder) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  SqliteOptions fast;  // filling the store needs no durability
  fast.synchronous = SqliteOptions::Synchronous::kOff;
  auto store = open_sqlite(path, fast);
  ES_ASSERT_OK(store);
  append_ledger_events(**store, 1500, /*accounts=*/40);

  std::vector<std::unique_ptr<ChildProcess>> members;
  for (std::uint32_t k = 0; k < kMembers; ++k) {
    members.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{path, std::to_string(k), std::to_string(kMembers)}));
  }
  append_ledger_events(**store, 1500, /*accounts=*/40);  // while they catch up or run live
  auto head = (*store)->head_position();
  ES_ASSERT_OK(head);
  for (auto& member : members) wait_until_delivered(*member, *head);
  for (auto& member : members) {
    member->kill_hard();
    EXPECT_EQ(member->wait(), 128 + 9);
  }

  // What should have been handled: every deposit and withdrawal, by (stream, version).
  std::multiset<std::string> expected;
  for (const RecordedEvent& e : read_everything(**store)) {
    if (e.type != "ledger.Audited") expected.insert(e.stream + "#" + std::to_string(e.version));
  }
  std::multiset<std::string> handled;
  std::map<std::string, std::int64_t> last_version;
  std::set<std::uint32_t> members_seen;
  for (const std::string& row :
       sqlite_query(path,
                    "SELECT stream || ' ' || version || ' ' || member FROM handled "
                    "ORDER BY rowid")) {
    std::istringstream fields(row);
    std::string stream;
    std::int64_t version = 0;
    std::uint32_t member = 0;
    fields >> stream >> version >> member;
    handled.insert(stream + "#" + std::to_string(version));
    members_seen.insert(member);
    EXPECT_EQ(member, stream_hash(stream) % kMembers) << stream;
    EXPECT_GT(version, last_version[stream]) << stream << " out of order";
    last_version[stream] = version;
  }
  EXPECT_EQ(handled, expected);
  EXPECT_EQ(members_seen.size(), kMembers);  // 40 streams: each member took some
  EXPECT_EQ(handled.size(), 2400U);          // 3000 events, one in five an audit
  EXPECT_EQ(integrity_check(path), "ok");
}

}  // namespace
}  // namespace es::testing
