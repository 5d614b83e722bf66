// A store written by the schema-4 release (tests/integrity/data/store-v4.sqlite, made with that
// release's `es`: appends with metadata, a tenant and schema versions, a multi-stream batch, a
// soft-deleted and recreated stream, a tombstoned one and a reserved name) is upgraded to schema 5
// on open: every existing event gets its chain hash and every stream its head, so it verifies,
// and appends continue the chains.
#include <gtest/gtest.h>

#include <filesystem>

#include "es/store/sqlite_store.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

class Upgrade : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::copy_file(ES_STORE_V4_PATH, path_); }

  // Everything the chain covers, as the file holds it.
  std::vector<std::string> rows() {
    return sqlite_query(path_,
                        "SELECT stream || '/' || version || '/' || hex(id) || '/' || type || '/' "
                        "|| schema_version || '/' || hex(data) || '/' || metadata || '/' || "
                        "tenant || '/' || recorded_at FROM events ORDER BY position");
  }

  TempDir dir_;
  const std::string path_ = dir_.file("events.db");
};

TEST_F(Upgrade, AVersionFourStoreGetsItsChainsAndVerifies) {
  ASSERT_EQ(sqlite_query(path_, "PRAGMA user_version"), std::vector<std::string>{"4"});
  const auto before = rows();
  ASSERT_EQ(before.size(), 11U);
  auto store = open_sqlite(path_);
  ES_ASSERT_OK(store);
  EXPECT_EQ(sqlite_query(path_, "PRAGMA user_version"), std::vector<std::string>{"5"});
  EXPECT_EQ(rows(), before);
  EXPECT_EQ(sqlite_query(path_, "SELECT count(*) FROM events WHERE length(hash) = 32"),
            std::vector<std::string>{"11"});
  // Each head is the hash of its stream's last event; the reserved name has none.
  EXPECT_EQ(sqlite_query(path_,
                         "SELECT count(*) FROM streams s JOIN events e ON e.stream = s.stream AND "
                         "e.version = s.version WHERE s.last_hash = e.hash"),
            std::vector<std::string>{"6"});
  EXPECT_EQ(
      sqlite_query(path_, "SELECT count(*) FROM streams WHERE last_hash IS NULL AND version = 0"),
      std::vector<std::string>{"1"});
  EXPECT_EQ(integrity_check(path_), "ok");

  auto report = (*store)->verify();
  ES_ASSERT_OK(report);
  EXPECT_TRUE(report->intact()) << report->problems.at(0).detail;
  EXPECT_EQ(report->streams, 7U);
  EXPECT_EQ(report->events, 11U);
}

TEST_F(Upgrade, AppendsContinueTheBackfilledChains) {
  auto store = open_sqlite(path_);
  ES_ASSERT_OK(store);
  ES_ASSERT_OK((*store)->append("account-1", ExpectedVersion::exact(3), make_events(2)));
  ES_ASSERT_OK((*store)->append("soft-1", ExpectedVersion::exact(3), make_events(1)));
  ES_ASSERT_OK((*store)->append("account-2", ExpectedVersion::any(), make_events(1), "acme"));
  auto report = (*store)->verify();
  ES_ASSERT_OK(report);
  EXPECT_TRUE(report->intact()) << report->problems.at(0).detail;
  EXPECT_EQ(report->events, 15U);
}

TEST_F(Upgrade, TamperingAfterTheUpgradeIsFound) {
  ES_ASSERT_OK(open_sqlite(path_));
  sqlite_query(path_,
               "UPDATE events SET data = '{\"cents\":5000}' WHERE stream = 'account-1' AND "
               "version = 2");
  auto store = open_sqlite(path_);
  ES_ASSERT_OK(store);
  auto report = (*store)->verify();
  ES_ASSERT_OK(report);
  ASSERT_EQ(report->problems.size(), 1U);
  EXPECT_EQ(report->problems[0].stream, "account-1");
  EXPECT_EQ(report->problems[0].version, 2);
  EXPECT_EQ(report->problems[0].kind, IntegrityProblemKind::kModified);
}

}  // namespace
}  // namespace es::testing
