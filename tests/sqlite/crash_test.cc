// Durability under kill -9 (DESIGN §5): with synchronous=FULL an append that returned success is
// in the file after the process dies at any instant, and the file stays sound.
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "es/store/sqlite_store.h"
#include "sqlite/child_process.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

TEST(SqliteCrash, EveryAcknowledgedAppendSurvivesKillNine) {
  TempDir dir;
  const std::string path = dir.file("crash.db");
  {
    // Some history from before the crashing process, which must survive too.
    auto store = open_sqlite(path);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    ES_ASSERT_OK((*store)->append("before", ExpectedVersion::no_stream(), make_events(5)));
  }
  ChildProcess child({path, "victim", "-1", "full"});
  // Let it append for about a second (at least a few acknowledgements), then kill it mid-flight.
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(child.read_some(std::chrono::milliseconds(50))) << "the child exited early";
    if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(1200) &&
        child.complete_lines() >= 10) {
      break;
    }
  }
  child.kill_hard();
  child.read_to_end();  // acknowledgements written before the kill
  EXPECT_EQ(child.wait(), 128 + 9);
  const auto acks = child.acks();
  ASSERT_GE(acks.size(), 10u);
  RecordProperty("acknowledged_appends", static_cast<int>(acks.size()));

  EXPECT_EQ(integrity_check(path), "ok");
  auto store = open_sqlite(path);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  std::map<std::string, RecordedEvent> stored;
  for (const RecordedEvent& e : read_everything(**store)) stored.emplace(e.id.to_string(), e);
  for (const ChildAck& ack : acks) {
    auto it = stored.find(ack.id);
    ASSERT_NE(it, stored.end()) << "acknowledged append lost: " << ack.stream << " " << ack.version;
    EXPECT_EQ(it->second.stream, ack.stream);
    EXPECT_EQ(it->second.version, ack.version);
  }
  EXPECT_EQ(read_stream_events(**store, "before").size(), 5u);
  // The victim's stream is contiguous and may hold at most the one append in flight at the kill.
  const auto victim = read_stream_events(**store, "victim");
  for (std::size_t i = 0; i < victim.size(); ++i) {
    EXPECT_EQ(victim[i].version, static_cast<std::int64_t>(i + 1));
  }
  // The store is writable again after the crash.
  auto info = (*store)->stream_info("victim");
  ES_ASSERT_OK(info);
  ES_EXPECT_OK((*store)->append("victim", ExpectedVersion::exact(info->version), make_events(1)));
  EXPECT_EQ(integrity_check(path), "ok");
}

// A process running imports that spill pages into the WAL and then fail is killed at different
// points of them, again and again, while another process appends: the file stays sound, every
// acknowledged append is there, and nothing of the failed imports is.
TEST(SqliteCrash, KillingAFailingLargeImportBesideAnAppenderLosesAndCorruptsNothing) {
  TempDir dir;
  const std::string path = dir.file("imports.db");
  {
    auto store = open_sqlite(path);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
  }
  ChildProcess appender({path, "appender", "-1", "full"});
  constexpr int kKills = 6;
  for (int kill = 0; kill < kKills; ++kill) {
    ChildProcess importer({path, "importer-" + std::to_string(kill), "-1", "import"});
    // Killed after 0, 1, 2 … finished imports plus a growing slice of the next one.
    const auto start = std::chrono::steady_clock::now();
    const auto at = std::chrono::milliseconds(40 + 90 * kill);
    while (std::chrono::steady_clock::now() - start < at) {
      if (!importer.read_some(std::chrono::milliseconds(10))) break;
    }
    importer.kill_hard();
    importer.read_to_end();
    EXPECT_EQ(importer.wait(), 128 + 9) << "the importer exited on its own";
    ASSERT_TRUE(appender.read_some(std::chrono::milliseconds(1))) << "the appender stopped";
  }
  appender.kill_hard();
  appender.read_to_end();
  EXPECT_EQ(appender.wait(), 128 + 9);
  const auto acks = appender.acks();
  ASSERT_GE(acks.size(), 10u);

  EXPECT_EQ(integrity_check(path), "ok");
  auto store = open_sqlite(path);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  std::map<std::string, RecordedEvent> stored;
  for (const RecordedEvent& e : read_everything(**store)) {
    EXPECT_NE(e.type, "child.Big") << "an event of a failed import was stored";
    stored.emplace(e.id.to_string(), e);
  }
  for (const ChildAck& ack : acks) {
    ASSERT_TRUE(stored.contains(ack.id))
        << "acknowledged append lost: " << ack.stream << " " << ack.version;
  }
  auto report = (*store)->verify();
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report->intact());
  ES_EXPECT_OK((*store)->append("after", ExpectedVersion::no_stream(), make_events(1)));
}

}  // namespace
}  // namespace es::testing
