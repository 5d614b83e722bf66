// The SQLite backend's file: everything survives a reopen, the file is a WAL-mode SQLite database
// marked as a store, and files that are not stores are refused without being touched.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "es/store/open.h"
#include "es/store/sqlite_store.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

std::unique_ptr<EventStore> open_ok(const std::string& path, SqliteOptions options = {}) {
  auto store = open_sqlite(path, options);
  EXPECT_TRUE(store.has_value()) << store.error().to_string();
  return store ? std::move(*store) : nullptr;
}

std::vector<std::string> all_names(EventStore& store) {
  std::vector<std::string> out;
  for (const StreamInfo& s : store.list_streams().value_or(std::vector<StreamInfo>{})) {
    out.push_back(s.stream + "/" + std::string(stream_state_name(s.state)) + "/" +
                  std::to_string(s.version) + "/" + s.tenant);
  }
  return out;
}

TEST(SqliteFile, ReopeningKeepsEverything) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  std::vector<RecordedEvent> events_before;
  std::vector<std::string> streams_before;
  Position head_before;
  {
    auto store = open_ok(path);
    ASSERT_NE(store, nullptr);
    ES_ASSERT_OK(store->append("account-1", ExpectedVersion::no_stream(), make_events(3)));
    ES_ASSERT_OK(store->append("account-2", ExpectedVersion::no_stream(), make_events(2), "acme"));
    ES_ASSERT_OK(store->append("soft", ExpectedVersion::any(), make_events(2)));
    ES_ASSERT_OK(store->delete_stream("soft"));
    ES_ASSERT_OK(store->append("tomb", ExpectedVersion::any(), make_events(1)));
    ES_ASSERT_OK(store->tombstone_stream("tomb"));
    ES_ASSERT_OK(store->tombstone_stream("reserved"));
    ES_ASSERT_OK(store->set_retention("account-1", {.max_count = 2}));
    events_before = read_everything(*store);
    streams_before = all_names(*store);
    head_before = store->head_position().value_or(Position{});
  }
  auto store = open_ok(path);
  ASSERT_NE(store, nullptr);
  const auto events_after = read_everything(*store);
  ASSERT_EQ(events_after.size(), events_before.size());
  for (std::size_t i = 0; i < events_after.size(); ++i) {
    const RecordedEvent& a = events_before[i];
    const RecordedEvent& b = events_after[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.stream, b.stream);
    EXPECT_EQ(a.version, b.version);
    EXPECT_EQ(a.position, b.position);
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.data, b.data);
    EXPECT_EQ(a.metadata, b.metadata);
    EXPECT_EQ(a.tenant, b.tenant);
    EXPECT_EQ(a.recorded_at, b.recorded_at);
  }
  EXPECT_EQ(all_names(*store), streams_before);
  EXPECT_EQ(store->head_position().value_or(Position{}), head_before);
  EXPECT_EQ(store->stream_info("account-1")->retention.max_count, std::optional<std::uint64_t>(2));
  EXPECT_EQ(store->read_stream("account-1")->events.size(), 2u);
  EXPECT_EQ(store->read_stream("tomb").error().code(), StatusCode::kStreamDeleted);
  // Writing continues where it left off.
  auto next = store->append("account-1", ExpectedVersion::exact(3), make_events(1));
  ES_ASSERT_OK(next);
  EXPECT_EQ(next->first_version, 4);
  EXPECT_GT(next->first_position, head_before);
  EXPECT_GE(store->read_stream("account-1")->events.back().recorded_at,
            events_before.back().recorded_at);
  EXPECT_EQ(store->append("tomb", ExpectedVersion::any(), make_events(1)).error().code(),
            StatusCode::kStreamDeleted);
  EXPECT_EQ(store->append("account-2", ExpectedVersion::any(), make_events(1)).error().code(),
            StatusCode::kPermissionDenied);
}

TEST(SqliteFile, IsAWalDatabaseMarkedAsAStore) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  auto store = open_ok(path);
  ASSERT_NE(store, nullptr);
  ES_ASSERT_OK(store->append("s", ExpectedVersion::any(), make_events(1)));
  EXPECT_EQ(sqlite_query(path, "PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  EXPECT_EQ(sqlite_query(path, "PRAGMA application_id"),
            std::vector<std::string>{std::to_string(0x45534350)});
  EXPECT_EQ(sqlite_query(path, "PRAGMA user_version"), std::vector<std::string>{"5"});
  EXPECT_EQ(integrity_check(path), "ok");
}

TEST(SqliteFile, AVersionOneFileIsMigratedAndKeepsItsEvents) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  // The schema as release 1 wrote it (docs/storage-sqlite.md), with one event.
  for (const char* sql :
       {"CREATE TABLE streams (stream TEXT PRIMARY KEY, version INTEGER NOT NULL, "
        "truncate_before INTEGER NOT NULL DEFAULT 0, tombstoned INTEGER NOT NULL DEFAULT 0, "
        "tenant TEXT NOT NULL DEFAULT '', max_count INTEGER, max_age_us INTEGER, "
        "retention_truncate_before INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, "
        "updated_at INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE events (position INTEGER PRIMARY KEY, id BLOB NOT NULL, stream TEXT NOT "
        "NULL, version INTEGER NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL, "
        "data BLOB NOT NULL, metadata TEXT NOT NULL, tenant TEXT NOT NULL, recorded_at "
        "INTEGER NOT NULL)",
        "CREATE UNIQUE INDEX events_id ON events(id)",
        "CREATE UNIQUE INDEX events_stream_version ON events(stream, version)",
        "INSERT INTO streams VALUES ('old-1', 1, 0, 0, '', NULL, NULL, 0, 1, 1)",
        "INSERT INTO events VALUES (1, x'0190b6e46f1a7c3d9a411b2c3d4e5f60', 'old-1', 1, "
        "'Old', 1, '{}', '{}', '', 1)",
        "PRAGMA application_id=1163084624", "PRAGMA user_version=1"}) {
    sqlite_query(path, sql);
  }
  auto store = open_ok(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(sqlite_query(path, "PRAGMA user_version"), std::vector<std::string>{"5"});
  EXPECT_EQ(sqlite_query(path, "SELECT count(*) FROM snapshots"), std::vector<std::string>{"0"});
  EXPECT_EQ(sqlite_query(path, "SELECT count(*) FROM checkpoints"), std::vector<std::string>{"0"});
  auto events = store->read_stream("old-1");
  ASSERT_TRUE(events.has_value()) << events.error().to_string();
  ASSERT_EQ(events->events.size(), 1U);
  EXPECT_EQ(events->events[0].id.to_string(), "0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f60");
  EXPECT_EQ(integrity_check(path), "ok");
}

TEST(SqliteFile, UniqueIndexesBackstopIdsAndStreamVersions) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  {
    auto store = open_ok(path);
    ASSERT_NE(store, nullptr);
    ES_ASSERT_OK(store->append("s", ExpectedVersion::no_stream(), make_events(1)));
  }
  const std::string copy_row =
      "INSERT INTO events (id, stream, version, type, schema_version, data, metadata, tenant, "
      "recorded_at) SELECT {id}, {stream}, {version}, type, schema_version, data, metadata, "
      "tenant, recorded_at FROM events";
  auto with = [&](const std::string& id, const std::string& stream, const std::string& version) {
    std::string sql = copy_row;
    sql.replace(sql.find("{id}"), 4, id);
    sql.replace(sql.find("{stream}"), 8, stream);
    sql.replace(sql.find("{version}"), 9, version);
    return sql;
  };
  // The same id in another stream, and another id at a taken (stream, version): both refused.
  EXPECT_THROW(sqlite_query(path, with("id", "'other'", "1")), std::runtime_error);
  EXPECT_THROW(sqlite_query(path, with("randomblob(16)", "stream", "version")), std::runtime_error);
  EXPECT_EQ(sqlite_query(path, "SELECT count(*) FROM events"), std::vector<std::string>{"1"});
}

TEST(SqliteFile, ADatabaseOfAnotherApplicationIsRefusedAndLeftUntouched) {
  TempDir dir;
  const std::string path = dir.file("other.db");
  sqlite_query(path,
               "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);"
               "INSERT INTO customers (name) VALUES ('ada')");
  auto store = open_sqlite(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kInvalidArgument) << store.error().to_string();
  EXPECT_NE(store.error().message().find("not an eventsource-cpp store"), std::string_view::npos)
      << store.error().message();
  EXPECT_EQ(sqlite_query(path, "SELECT name FROM sqlite_schema WHERE type = 'table'"),
            std::vector<std::string>{"customers"});
  EXPECT_EQ(sqlite_query(path, "SELECT name FROM customers"), std::vector<std::string>{"ada"});
  EXPECT_EQ(sqlite_query(path, "PRAGMA journal_mode"), std::vector<std::string>{"delete"})
      << "refusing the file must not switch it to WAL";
}

TEST(SqliteFile, AFileThatIsNotADatabaseIsRefusedAndLeftUntouched) {
  TempDir dir;
  const std::string path = dir.file("garbage.db");
  std::string garbage;
  for (int i = 0; i < 512; ++i) garbage += "this is not a database, just some text. ";
  {
    std::ofstream out(path, std::ios::binary);
    out << garbage;
  }
  auto store = open_sqlite(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kInvalidArgument) << store.error().to_string();
  EXPECT_NE(store.error().message().find("not"), std::string_view::npos) << store.error().message();
  std::ifstream in(path, std::ios::binary);
  const std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, garbage);
}

TEST(SqliteFile, AStoreOfANewerSchemaVersionIsRefused) {
  TempDir dir;
  const std::string path = dir.file("future.db");
  {
    auto store = open_ok(path);
    ASSERT_NE(store, nullptr);
  }
  sqlite_query(path, "PRAGMA user_version = 99");
  auto store = open_sqlite(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(store.error().message().find("newer"), std::string_view::npos)
      << store.error().message();
}

TEST(SqliteFile, AnEmptyDatabaseFileBecomesAStore) {
  TempDir dir;
  const std::string path = dir.file("empty.db");
  { std::ofstream touch(path); }
  auto store = open_ok(path);
  ASSERT_NE(store, nullptr);
  ES_EXPECT_OK(store->append("s", ExpectedVersion::any(), make_events(1)));
}

TEST(SqliteFile, UnopenablePathsFailClearly) {
  EXPECT_EQ(open_sqlite("").error().code(), StatusCode::kInvalidArgument);
  TempDir dir;
  auto missing_dir = open_sqlite(dir.file("no/such/dir/events.db"));
  ASSERT_FALSE(missing_dir.has_value());
  EXPECT_EQ(missing_dir.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(missing_dir.error().message().find("no/such/dir"), std::string_view::npos)
      << missing_dir.error().message();
}

TEST(SqliteFile, TwoHandlesOnOneFileSeeEachOthersWrites) {
  TempDir dir;
  const std::string path = dir.file("events.db");
  auto first = open_ok(path);
  auto second = open_ok(path);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ES_ASSERT_OK(first->append("s", ExpectedVersion::no_stream(), make_events(2)));
  auto r = second->append("s", ExpectedVersion::exact(2), make_events(1));
  ES_ASSERT_OK(r);
  EXPECT_EQ(r->first_version, 3);
  EXPECT_EQ(first->append("s", ExpectedVersion::exact(2), make_events(1)).error().code(),
            StatusCode::kConflict);
  EXPECT_EQ(read_everything(*first).size(), 3u);
  EXPECT_EQ(ids_of(read_everything(*first)), ids_of(read_everything(*second)));
}

TEST(OpenUrl, ChoosesTheBackendByUrl) {
  TempDir dir;
  auto memory = open("memory:");
  ES_ASSERT_OK(memory);
  EXPECT_EQ((*memory)->stats()->backend, "memory");

  auto plain = open(dir.file("plain.db"));
  ES_ASSERT_OK(plain);
  EXPECT_EQ((*plain)->stats()->backend, "sqlite");
  EXPECT_TRUE(std::filesystem::exists(dir.file("plain.db")));

  auto prefixed = open("sqlite:" + dir.file("prefixed.db"));
  ES_ASSERT_OK(prefixed);
  EXPECT_EQ((*prefixed)->stats()->backend, "sqlite");
  EXPECT_TRUE(std::filesystem::exists(dir.file("prefixed.db")));

  for (const char* url : {"", "sqlite:", "mysql://127.0.0.1/db", "redis://x"}) {
    auto bad = open(url);
    ASSERT_FALSE(bad.has_value()) << url;
    EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument) << url;
  }
}

TEST(OpenUrl, PassesLimitsToEveryBackend) {
  TempDir dir;
  OpenOptions options;
  options.limits.max_events_per_append = 2;
  for (const std::string& url : {std::string("memory:"), dir.file("limited.db")}) {
    auto store = open(url, options);
    ES_ASSERT_OK(store);
    EXPECT_EQ((*store)->limits().max_events_per_append, 2u) << url;
    EXPECT_EQ((*store)->append("s", ExpectedVersion::any(), make_events(3)).error().code(),
              StatusCode::kInvalidArgument)
        << url;
  }
}

}  // namespace
}  // namespace es::testing
