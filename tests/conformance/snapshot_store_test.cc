// Every snapshot store keeps the newest snapshot per stream, returns it unchanged, and forgets it
// on remove.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "es/store/snapshot_store.h"
#include "support/postgres.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

struct SnapshotBackend {
  std::string name;
  std::function<std::unique_ptr<SnapshotStore>(const TempDir&)> open;
};

void PrintTo(const SnapshotBackend& b, std::ostream* os) { *os << b.name; }

std::vector<SnapshotBackend> snapshot_backends() {
  return {{"memory", [](const TempDir&) { return make_memory_snapshot_store(); }},
          {"sqlite",
           [](const TempDir& dir) -> std::unique_ptr<SnapshotStore> {
             auto store = open_sqlite_snapshot_store(dir.file("events.db"));
             EXPECT_TRUE(store.has_value()) << store.error().to_string();
             return store ? std::move(*store) : nullptr;
           }},
          {"postgres", [](const TempDir&) -> std::unique_ptr<SnapshotStore> {
             const std::string url = test_pg_url();
             if (url.empty()) return nullptr;
             auto store = open_postgres_snapshot_store(url, {.schema = fresh_pg_schema()});
             EXPECT_TRUE(store.has_value()) << store.error().to_string();
             return store ? std::move(*store) : nullptr;
           }}};
}

class SnapshotStoreTest : public ::testing::TestWithParam<SnapshotBackend> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  static Snapshot snapshot(std::int64_t version, std::string data) {
    return {.stream = "account-1",
            .version = version,
            .type = "Account",
            .schema_version = 3,
            .data = std::move(data),
            .recorded_at = from_unix_micros(1'700'000'000'000'000 + version)};
  }
  TempDir dir_;
  std::unique_ptr<SnapshotStore> store_;
};

TEST_P(SnapshotStoreTest, LoadOfAStreamWithoutSnapshotIsEmpty) {
  auto loaded = store_->load("account-1");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  EXPECT_FALSE(loaded->has_value());
}

TEST_P(SnapshotStoreTest, SavedSnapshotLoadsUnchanged) {
  ASSERT_TRUE(store_->save(snapshot(100, R"({"balance":5})")).is_ok());
  auto loaded = store_->load("account-1");
  ASSERT_TRUE(loaded.has_value() && loaded->has_value());
  const Snapshot& s = **loaded;
  EXPECT_EQ(s.stream, "account-1");
  EXPECT_EQ(s.version, 100);
  EXPECT_EQ(s.type, "Account");
  EXPECT_EQ(s.schema_version, 3);
  EXPECT_EQ(s.data, R"({"balance":5})");
  EXPECT_EQ(s.recorded_at, from_unix_micros(1'700'000'000'000'100));
}

TEST_P(SnapshotStoreTest, AnOlderSnapshotNeverReplacesANewerOne) {
  ASSERT_TRUE(store_->save(snapshot(200, "new")).is_ok());
  ASSERT_TRUE(store_->save(snapshot(100, "old")).is_ok());
  EXPECT_EQ((*store_->load("account-1"))->data, "new");
  ASSERT_TRUE(store_->save(snapshot(300, "newer")).is_ok());
  EXPECT_EQ((*store_->load("account-1"))->version, 300);
}

TEST_P(SnapshotStoreTest, RemoveForgetsTheSnapshot) {
  ASSERT_TRUE(store_->save(snapshot(100, "x")).is_ok());
  ASSERT_TRUE(store_->remove("account-1").is_ok());
  EXPECT_FALSE(store_->load("account-1")->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, SnapshotStoreTest, ::testing::ValuesIn(snapshot_backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace es::testing
