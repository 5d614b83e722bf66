// The WAL write buffer (store/sqlite/wal_write_buffer.h): a WAL file's writes reach the file in
// one piece at the sync, reads and sizes see every write, and a store behind it reads back
// transactions that spill out of the page cache, from the same and from a fresh connection.
#include "store/sqlite/wal_write_buffer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "es/store/sqlite_store.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The `-wal` file of a connection opened through the VFS, inside a write transaction (so the
// connection holds the WAL write lock, as while SQLite writes frames). The WAL is empty: every byte
// in it is the test's.
class WalFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open_v2(db_path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                              sqlite::wal_write_buffer_vfs()),
              SQLITE_OK);
    ASSERT_EQ(exec("PRAGMA journal_mode=WAL"), SQLITE_OK);
    begin_write();
  }
  void TearDown() override {
    // Nothing the test wrote is a committed frame: the rollback drops it, the close removes it.
    (void)exec("ROLLBACK");
    EXPECT_EQ(sqlite3_close(db_), SQLITE_OK);
  }

  int exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }
  void begin_write() {
    ASSERT_EQ(exec("BEGIN IMMEDIATE"), SQLITE_OK);
    ASSERT_EQ(sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file_), SQLITE_OK);
    ASSERT_NE(file_, nullptr);
  }
  int write(const std::string& bytes, sqlite3_int64 offset) {
    return file_->pMethods->xWrite(file_, bytes.data(), static_cast<int>(bytes.size()), offset);
  }

  TempDir dir_;
  const std::string db_path_ = dir_.file("w.db");
  const std::string wal_path_ = db_path_ + "-wal";
  sqlite3* db_ = nullptr;
  sqlite3_file* file_ = nullptr;  // the WAL file, owned by db_
};

TEST_F(WalFileTest, WritesReachTheFileTogetherAtTheSync) {
  ASSERT_EQ(write(std::string(24, 'h'), 0), SQLITE_OK);     // a frame header
  ASSERT_EQ(write(std::string(4096, 'p'), 24), SQLITE_OK);  // its page
  ASSERT_EQ(write("CK", 10), SQLITE_OK);                    // a checksum rewritten in place
  EXPECT_EQ(std::filesystem::file_size(wal_path_), 0U);

  ASSERT_EQ(file_->pMethods->xSync(file_, SQLITE_SYNC_NORMAL), SQLITE_OK);
  std::string expected = std::string(24, 'h') + std::string(4096, 'p');
  expected.replace(10, 2, "CK");
  EXPECT_EQ(file_bytes(wal_path_), expected);
}

TEST_F(WalFileTest, ABufferOverTheBaseFilesLargestWriteReachesTheFileWhole) {
  // 40 frames of 4 KiB pages: 165 KiB, more than the unix VFS writes in one call (128 KiB - 1).
  std::string expected;
  for (int frame = 0; frame < 40; ++frame) {
    const std::string header(24, static_cast<char>('a' + frame % 26));
    const std::string page(4096, static_cast<char>('A' + frame % 26));
    ASSERT_EQ(write(header, static_cast<sqlite3_int64>(expected.size())), SQLITE_OK);
    expected += header;
    ASSERT_EQ(write(page, static_cast<sqlite3_int64>(expected.size())), SQLITE_OK);
    expected += page;
  }
  ASSERT_EQ(file_->pMethods->xSync(file_, SQLITE_SYNC_NORMAL), SQLITE_OK);
  EXPECT_EQ(file_bytes(wal_path_), expected);
}

TEST_F(WalFileTest, ReadsAndSizesSeeEveryWrite) {
  ASSERT_EQ(write("first", 0), SQLITE_OK);
  ASSERT_EQ(write("apart", 100), SQLITE_OK);  // not next to the buffer: the buffer goes out first
  EXPECT_EQ(file_bytes(wal_path_), "first");

  sqlite3_int64 size = 0;
  ASSERT_EQ(file_->pMethods->xFileSize(file_, &size), SQLITE_OK);
  EXPECT_EQ(size, 105);
  ASSERT_EQ(write("again", 105), SQLITE_OK);
  std::string read(5, '\0');
  ASSERT_EQ(file_->pMethods->xRead(file_, read.data(), 5, 105), SQLITE_OK);
  EXPECT_EQ(read, "again");
}

TEST_F(WalFileTest, TruncateWritesTheBufferFirst) {
  ASSERT_EQ(write("0123456789", 0), SQLITE_OK);
  ASSERT_EQ(file_->pMethods->xTruncate(file_, 4), SQLITE_OK);
  EXPECT_EQ(file_bytes(wal_path_), "0123");
}

TEST_F(WalFileTest, GivingUpTheWriteLockDropsTheBuffer) {
  ASSERT_EQ(write(std::string(24, 'h'), 0), SQLITE_OK);
  ASSERT_EQ(write(std::string(4096, 'p'), 24), SQLITE_OK);
  ASSERT_EQ(exec("ROLLBACK"), SQLITE_OK);  // ends the transaction without any WAL I/O

  begin_write();
  sqlite3_int64 size = -1;
  ASSERT_EQ(file_->pMethods->xFileSize(file_, &size), SQLITE_OK);
  EXPECT_EQ(size, 0);
  ASSERT_EQ(write("next", 0), SQLITE_OK);
  ASSERT_EQ(file_->pMethods->xSync(file_, SQLITE_SYNC_NORMAL), SQLITE_OK);
  EXPECT_EQ(file_bytes(wal_path_), "next");
}

TEST(WalWriteBuffer, StoreReadsBackTransactionsLargerThanItsPageCache) {
  TempDir dir;
  const std::string path = dir.file("spill.db");
  SqliteOptions options;
  options.cache_size_kib = 256;  // a 4 MiB append spills pages to the WAL before its commit
  std::vector<EventData> events;
  for (int i = 0; i < 2000; ++i) {
    events.push_back(make_event("test.Big", "{\"pad\":\"" + std::string(2000, 'x') + "\"}"));
  }
  {
    auto store = open_sqlite(path, options);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    ES_ASSERT_OK((*store)->append("big", ExpectedVersion::no_stream(), events));
    ES_ASSERT_OK((*store)->append("small", ExpectedVersion::no_stream(), make_events(3)));
    EXPECT_EQ(ids_of(read_stream_events(**store, "big")), ids_of(events));
  }
  auto reopened = open_sqlite(path, options);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().to_string();
  EXPECT_EQ(ids_of(read_stream_events(**reopened, "big")), ids_of(events));
  EXPECT_EQ(read_everything(**reopened).size(), 2003U);
  EXPECT_EQ(integrity_check(path), "ok");
}

TEST(WalWriteBuffer, NoRolledBackByteReachesTheFileAfterAnotherConnectionCommitted) {
  // Handle A's import spills pages of its first group to the WAL (a 256 KiB page cache), then
  // its second group conflicts and the whole import rolls back. B then commits frames at the
  // offsets A's spilled pages were meant for; A's next commit must not write them again.
  TempDir dir;
  const std::string path = dir.file("rollback.db");
  SqliteOptions small;
  small.cache_size_kib = 256;
  small.wal_restart_pages = 1;  // the WAL restarts often, so page 1 has no frame in it
  auto a = open_sqlite(path, small);
  ASSERT_TRUE(a.has_value()) << a.error().to_string();
  auto b = open_sqlite(path, SqliteOptions{});
  ASSERT_TRUE(b.has_value()) << b.error().to_string();
  ES_ASSERT_OK((*b)->append("taken", ExpectedVersion::any(), make_events(1)));
  // A's commit copies the WAL into the database (past wal_restart_pages), so A's next
  // transaction restarts the WAL from its first frame.
  ES_ASSERT_OK((*a)->append("warm", ExpectedVersion::any(), make_events(1)));

  std::vector<EventData> big;
  for (int i = 0; i < 600; ++i) {
    big.push_back(make_event("test.Big", "{\"pad\":\"" + std::string(2000, 'x') + "\"}"));
    big.back().id = Uuid::v7();
  }
  std::vector<EventData> clash = make_events(1);
  clash.back().id = Uuid::v7();
  const AppendRequest first{
      .stream = "imported", .expected = ExpectedVersion::no_stream(), .events = big};
  const AppendRequest second{
      .stream = "taken", .expected = ExpectedVersion::no_stream(), .events = clash};
  const ImportGroup groups[] = {{.requests = {&first, 1}, .recorded_at = now()},
                                {.requests = {&second, 1}, .recorded_at = now()}};
  auto imported = (*a)->import(groups);
  ASSERT_FALSE(imported.has_value());
  EXPECT_EQ(imported.error().code(), StatusCode::kConflict);

  // More WAL than A spilled, so B's frames cover the offsets of A's rolled-back ones.
  std::vector<EventData> many;
  for (int i = 0; i < 9000; ++i) {
    many.push_back(make_event("test.Mid", "{\"pad\":\"" + std::string(400, 'y') + "\"}"));
  }
  ES_ASSERT_OK((*b)->append("b", ExpectedVersion::no_stream(), many));
  ES_ASSERT_OK((*a)->append("a", ExpectedVersion::no_stream(), make_events(1)));
  EXPECT_EQ(ids_of(read_stream_events(**b, "b")), ids_of(many));
  a->reset();
  b->reset();

  EXPECT_EQ(integrity_check(path), "ok");
  auto reopened = open_sqlite(path, SqliteOptions{});
  ASSERT_TRUE(reopened.has_value()) << reopened.error().to_string();
  EXPECT_EQ(read_everything(**reopened).size(), 9003U);
  auto report = (*reopened)->verify();
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report->intact());
}

}  // namespace
}  // namespace es::testing
