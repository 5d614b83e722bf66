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

// A `-wal` file opened through the VFS as SQLite opens one, closed at the end.
class WalFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(db_path_).put('\0');  // the base VFS takes a WAL file's mode from its database
    vfs_ = sqlite3_vfs_find(sqlite::wal_write_buffer_vfs());
    ASSERT_NE(vfs_, nullptr);
    storage_.resize(static_cast<std::size_t>(vfs_->szOsFile) / sizeof(std::uint64_t) + 1);
    file_ = reinterpret_cast<sqlite3_file*>(storage_.data());
    int out_flags = 0;
    ASSERT_EQ(vfs_->xOpen(vfs_, wal_path_.c_str(), file_,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_WAL, &out_flags),
              SQLITE_OK);
  }
  void TearDown() override {
    if (file_ != nullptr && file_->pMethods != nullptr) {
      EXPECT_EQ(file_->pMethods->xClose(file_), SQLITE_OK);
    }
  }

  int write(const std::string& bytes, sqlite3_int64 offset) {
    return file_->pMethods->xWrite(file_, bytes.data(), static_cast<int>(bytes.size()), offset);
  }

  TempDir dir_;
  const std::string db_path_ = dir_.file("w.db");
  const std::string wal_path_ = db_path_ + "-wal";
  sqlite3_vfs* vfs_ = nullptr;
  std::vector<std::uint64_t> storage_;  // szOsFile bytes, 8-byte aligned as SQLite allocates them
  sqlite3_file* file_ = nullptr;
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

TEST_F(WalFileTest, TruncateAndCloseWriteTheBufferFirst) {
  ASSERT_EQ(write("0123456789", 0), SQLITE_OK);
  ASSERT_EQ(file_->pMethods->xTruncate(file_, 4), SQLITE_OK);
  EXPECT_EQ(file_bytes(wal_path_), "0123");

  ASSERT_EQ(write("tail", 4), SQLITE_OK);
  ASSERT_EQ(file_->pMethods->xClose(file_), SQLITE_OK);
  file_ = nullptr;
  EXPECT_EQ(file_bytes(wal_path_), "0123tail");
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

}  // namespace
}  // namespace es::testing
