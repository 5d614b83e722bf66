// The encrypting store over memory and SQLite: declared fields are ciphertext at rest and plain
// through the handle, a ciphertext moved or changed fails as kIntegrity naming the event, a shred
// erases payloads on every read path while verify() stays clean, and versions are pinned
// correctly under racing writers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "es/projection/subscription.h"
#include "es/store/encryption.h"
#include "es/store/memory_store.h"
#include "es/store/sqlite_store.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/postgres.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kRegistered = "crm.CustomerRegistered";
constexpr std::string_view kRenamed = "crm.CustomerRenamed";

EncryptionPolicy crm_policy() {
  return {
      .types = {{std::string(kRegistered), {.fields = {"name", "email"}, .subject_field = "id"}},
                {std::string(kRenamed), {.fields = {"name"}}}}};
}

EventData registered(std::string_view id, std::string_view name) {
  return make_event(kRegistered, Json{{"id", id},
                                      {"name", name},
                                      {"email", std::string(name) + "@example.com"},
                                      {"tier", "gold"}}
                                     .dump());
}

class EncryptionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      inner_ = make_memory_store();
    } else if (GetParam() == "postgres") {
      inner_ = open_test_postgres();
      ASSERT_NE(inner_, nullptr);
    } else {
      auto store = open_sqlite(path_);
      ASSERT_TRUE(store) << store.error().to_string();
      inner_ = std::move(*store);
    }
    keys_ = open_memory_key_store(MasterKey::generate());
    auto store = encrypt_store(*inner_, *keys_, crm_policy());
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
  }

  Json data_of(const RecordedEvent& event) { return Json::parse(event.data); }

  TempDir dir_;
  std::string path_ = dir_.file("events.db");
  std::unique_ptr<EventStore> inner_;
  std::unique_ptr<KeyStore> keys_;
  std::unique_ptr<EventStore> store_;
};

TEST_P(EncryptionTest, DeclaredFieldsAreCiphertextAtRestAndPlainThroughTheHandle) {
  const std::vector<EventData> events{registered("c-1", "ada"),
                                      make_event("crm.Noted", R"({"name":"plain"})")};
  ASSERT_TRUE(store_->append("customer-1", ExpectedVersion::no_stream(), events));

  auto stored = read_stream_events(*inner_, "customer-1");
  ASSERT_EQ(stored.size(), 2U);
  EXPECT_EQ(stored[0].data.find("ada"), std::string::npos) << stored[0].data;
  const Json at_rest = data_of(stored[0]);
  EXPECT_EQ(at_rest["id"], "c-1");
  EXPECT_EQ(at_rest["tier"], "gold");
  EXPECT_FALSE(at_rest.contains("name"));
  EXPECT_EQ(at_rest[std::string(kEncryptedMember)]["fields"], Json({"name", "email"}));
  EXPECT_EQ(stored[1].data, R"({"name":"plain"})") << "undeclared types are stored as they are";

  auto read = read_stream_events(*store_, "customer-1");
  ASSERT_EQ(read.size(), 2U);
  EXPECT_EQ(data_of(read[0]), Json::parse(events[0].data));
  EXPECT_FALSE(is_erased(read[0]));
  EXPECT_EQ(read[1].data, events[1].data);
  auto all = read_everything(*store_);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(data_of(all[0]), Json::parse(events[0].data));
}

TEST_P(EncryptionTest, TheStreamNameIsTheSubjectWhenThePolicyNamesNoField) {
  ASSERT_TRUE(store_->append("customer-9", ExpectedVersion::any(),
                             {{make_event(kRenamed, R"({"name":"grace"})")}}));
  EXPECT_TRUE(keys_->shred("customer-9").is_ok());
  EXPECT_TRUE(is_erased(read_stream_events(*store_, "customer-9").at(0)));
}

TEST_P(EncryptionTest, ACiphertextMovedToAnotherEventFailsAsAnIntegrityError) {
  ASSERT_TRUE(
      store_->append("customer-1", ExpectedVersion::no_stream(), {{registered("c-1", "ada")}}));
  const std::string sealed = read_stream_events(*inner_, "customer-1").at(0).data;
  // Stored behind the handle's back under another stream, and at another version.
  ASSERT_TRUE(inner_->append("customer-2", ExpectedVersion::no_stream(),
                             {{make_event(kRegistered, sealed)}}));
  ASSERT_TRUE(
      inner_->append("customer-1", ExpectedVersion::exact(1), {{make_event(kRegistered, sealed)}}));
  for (const auto& [stream, version] : {std::pair{"customer-2", 1}, std::pair{"customer-1", 2}}) {
    auto read = store_->read_stream(stream, {.from_version = version});
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().code(), StatusCode::kIntegrity);
    EXPECT_NE(read.error().message().find("stream '" + std::string(stream) + "' version " +
                                          std::to_string(version)),
              std::string_view::npos)
        << read.error().to_string();
  }
  EXPECT_EQ(store_->read_all().error().code(), StatusCode::kIntegrity);
}

TEST_P(EncryptionTest, AMalformedEnvelopeIsAnIntegrityErrorNotGarbage) {
  ASSERT_TRUE(
      inner_->append("customer-3", ExpectedVersion::no_stream(),
                     {{make_event(kRegistered, R"({"_es_encrypted":{"v":1,"key":"k"}})")}}));
  auto read = store_->read_stream("customer-3");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), StatusCode::kIntegrity);
}

TEST_P(EncryptionTest, AKeyThisKeyStoreNeverHadIsNotFoundNotErased) {
  ASSERT_TRUE(
      store_->append("customer-1", ExpectedVersion::no_stream(), {{registered("c-1", "ada")}}));
  auto other_keys = open_memory_key_store(MasterKey::generate());
  auto other = encrypt_store(*inner_, *other_keys, crm_policy());
  ASSERT_TRUE(other);
  auto read = (*other)->read_stream("customer-1");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), StatusCode::kNotFound);
}

TEST_P(EncryptionTest, AShreddedSubjectReadsAsErasedOnEveryPath) {
  ASSERT_TRUE(
      store_->append("customer-1", ExpectedVersion::no_stream(), {{registered("c-1", "ada")}}));
  ASSERT_TRUE(
      store_->append("customer-2", ExpectedVersion::no_stream(), {{registered("c-2", "bob")}}));
  ASSERT_TRUE(keys_->shred("c-1").is_ok());

  const Json erased = data_of(read_stream_events(*store_, "customer-1").at(0));
  EXPECT_EQ(erased["id"], "c-1");
  EXPECT_EQ(erased["tier"], "gold");
  EXPECT_FALSE(erased.contains("name"));
  EXPECT_FALSE(erased.contains("email"));
  EXPECT_EQ(erased[std::string(kErasedMember)]["fields"], Json({"name", "email"}));
  EXPECT_EQ(data_of(read_stream_events(*store_, "customer-2").at(0))["name"], "bob");

  auto all = read_everything(*store_);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_TRUE(is_erased(all[0]));
  EXPECT_FALSE(is_erased(all[1]));

  std::vector<std::string> delivered;
  auto sub = Subscription::start(*store_, {.stop_at_head = true}, [&](const RecordedEvent& e) {
    delivered.push_back(e.data);
    return Status::ok();
  });
  ASSERT_TRUE(sub) << sub.error().to_string();
  ASSERT_TRUE(sub->wait_stopped(std::chrono::seconds(30)));
  ASSERT_TRUE(sub->status().is_ok()) << sub->status().to_string();
  ASSERT_EQ(delivered.size(), 2U);
  EXPECT_EQ(Json::parse(delivered[0]), erased);
  EXPECT_EQ(Json::parse(delivered[1])["email"], "bob@example.com");
}

TEST_P(EncryptionTest, VerifyStaysCleanAfterAShred) {
  ASSERT_TRUE(
      store_->append("customer-1", ExpectedVersion::no_stream(), {{registered("c-1", "ada")}}));
  ASSERT_TRUE(store_->append("customer-1", ExpectedVersion::exact(1),
                             {{make_event(kRenamed, R"({"name":"ada l."})")}}));
  ASSERT_TRUE(keys_->shred("c-1").is_ok());
  auto report = store_->verify();
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->events, 2U);
}

TEST_P(EncryptionTest, ExpectedVersionsKeepTheirMeaning) {
  const std::vector<EventData> one{registered("c-1", "ada")};
  EXPECT_EQ(store_->append("customer-1", ExpectedVersion::stream_exists(), one).error().code(),
            StatusCode::kConflict);
  ASSERT_TRUE(store_->append("customer-1", ExpectedVersion::no_stream(), one));
  auto conflict =
      store_->append("customer-1", ExpectedVersion::no_stream(), {{registered("c-1", "ada")}});
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code(), StatusCode::kConflict);
  EXPECT_EQ(conflict.error().conflict()->expected, "no-stream");
  EXPECT_EQ(conflict.error().conflict()->actual, 1);
  auto any = store_->append("customer-1", ExpectedVersion::any(), {{registered("c-1", "ada")}});
  ASSERT_TRUE(any);
  EXPECT_EQ(any->first_version, 2);
  EXPECT_EQ(store_->append("customer-1", ExpectedVersion::exact(1), {{registered("c-1", "x")}})
                .error()
                .code(),
            StatusCode::kConflict);
  // A replay of the same ids at exact(n) is idempotent, as without encryption; under no_stream
  // it is not recognised (the handle checks the version first) and writes nothing.
  const std::vector<EventData> third{registered("c-1", "ada")};
  ASSERT_TRUE(store_->append("customer-1", ExpectedVersion::exact(2), third));
  auto replay = store_->append("customer-1", ExpectedVersion::exact(2), third);
  ASSERT_TRUE(replay) << replay.error().to_string();
  EXPECT_EQ(replay->first_version, 3);
  EXPECT_EQ(store_->append("customer-1", ExpectedVersion::no_stream(), one).error().code(),
            StatusCode::kConflict);
  EXPECT_EQ(store_->stream_info("customer-1")->version, 3);
  ASSERT_TRUE(store_->delete_stream("customer-1").is_ok());
  auto recreated =
      store_->append("customer-1", ExpectedVersion::no_stream(), {{registered("c-1", "ada")}});
  ASSERT_TRUE(recreated);
  EXPECT_EQ(recreated->first_version, 4);
  EXPECT_EQ(data_of(read_stream_events(*store_, "customer-1").at(0))["name"], "ada");
}

TEST_P(EncryptionTest, RacingWritersNeverStoreACiphertextUnderTheWrongVersion) {
  constexpr int kWriters = 4;
  constexpr int kAppends = 25;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kAppends; ++i) {
        const std::vector<EventData> events{
            registered("c-1", "w" + std::to_string(w) + "-" + std::to_string(i)),
            make_event(kRenamed, R"({"name":"again"})")};
        auto r = store_->append("customer-1", ExpectedVersion::any(), events);
        EXPECT_TRUE(r) << r.error().to_string();
      }
    });
  }
  for (std::thread& t : writers) t.join();
  auto events = read_stream_events(*store_, "customer-1");
  ASSERT_EQ(events.size(), 2U * kWriters * kAppends);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].version, static_cast<std::int64_t>(i) + 1);
    EXPECT_TRUE(data_of(events[i]).contains("name"));
  }
}

// append_each: the caller's exact(n) encrypted appends and plain ones share commits, the others
// go alone; each is sealed for the version it lands at, and a conflict fails only its request.
TEST_P(EncryptionTest, AppendEachSealsEveryRequestForItsVersion) {
  ASSERT_TRUE(store_->append("customer-2", ExpectedVersion::no_stream(),
                             std::vector<EventData>{registered("c-2", "bob")}));
  const std::vector<EventData> first{registered("c-1", "ada")};
  const std::vector<EventData> plain{make_event("crm.Noted", R"({"name":"plain"})")};
  const std::vector<EventData> renamed{make_event(kRenamed, R"({"name":"ada b"})")};
  const std::vector<EventData> stale{make_event(kRenamed, R"({"name":"nope"})")};
  const std::vector<EventData> any{make_event(kRenamed, R"({"name":"bobby"})")};
  const std::vector<AppendRequest> requests = {
      {.stream = "customer-1", .expected = ExpectedVersion::no_stream(), .events = first},
      {.stream = "notes", .expected = ExpectedVersion::any(), .events = plain},
      {.stream = "customer-1", .expected = ExpectedVersion::exact(1), .events = renamed},
      {.stream = "customer-2", .expected = ExpectedVersion::exact(5), .events = stale},
      {.stream = "customer-2", .expected = ExpectedVersion::any(), .events = any},
  };
  const auto results = store_->append_each(requests);
  ASSERT_EQ(results.size(), 5U);
  for (std::size_t i : {0U, 1U, 2U, 4U}) {
    EXPECT_TRUE(results[i].has_value()) << i << ": " << results[i].error().to_string();
  }
  ASSERT_FALSE(results[3].has_value());
  EXPECT_EQ(results[3].error().code(), StatusCode::kConflict);
  EXPECT_EQ(results[2]->first_version, 2);
  EXPECT_EQ(results[4]->first_version, 2);

  const auto one = read_stream_events(*store_, "customer-1");
  ASSERT_EQ(one.size(), 2U);
  EXPECT_EQ(data_of(one[0])["name"], "ada");
  EXPECT_EQ(data_of(one[1])["name"], "ada b");
  const auto two = read_stream_events(*store_, "customer-2");
  ASSERT_EQ(two.size(), 2U);
  EXPECT_EQ(data_of(two[1])["name"], "bobby");
  EXPECT_EQ(read_stream_events(*inner_, "customer-1")[1].data.find("ada b"), std::string::npos);
}

TEST_P(EncryptionTest, BadInputIsRefusedAndWritesNothing) {
  const auto refused = [&](std::string data) {
    return store_->append("customer-1", ExpectedVersion::any(),
                          {{make_event(kRegistered, std::move(data))}});
  };
  EXPECT_EQ(refused("[1,2]").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused(R"({"name":"no subject"})").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused(R"({"id":"c","_es_erased":1})").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->stream_info("customer-1")->state, StreamState::kAbsent);
  EXPECT_EQ(encrypt_store(*inner_, *keys_, {.types = {{"t", {}}}}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(encrypt_store(*inner_, *keys_, {.types = {{"t", {.fields = {"_es_encrypted"}}}}})
                .error()
                .code(),
            StatusCode::kInvalidArgument);
}

// crypto_postgres_test builds this file again against the CTest PostgreSQL server (NEEDS_POSTGRES).
#ifdef ES_TEST_ENCRYPTION_ON_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, EncryptionTest, ::testing::Values("postgres"));
#else
INSTANTIATE_TEST_SUITE_P(Backends, EncryptionTest, ::testing::Values("memory", "sqlite"));

// The SQLite file tampered with behind the store's back, as an attacker with the file would.
class SqliteEncryptionTest : public EncryptionTest {};

TEST_P(SqliteEncryptionTest, ACiphertextCopiedIntoAnotherRowFailsToDecrypt) {
  ASSERT_TRUE(
      store_->append("customer-1", ExpectedVersion::no_stream(), {{registered("c-1", "ada")}}));
  ASSERT_TRUE(
      store_->append("customer-2", ExpectedVersion::no_stream(), {{registered("c-1", "eve")}}));
  sqlite_query(path_,
               "UPDATE events SET data = (SELECT data FROM events WHERE stream = 'customer-1') "
               "WHERE stream = 'customer-2'");
  auto read = store_->read_stream("customer-2");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), StatusCode::kIntegrity);
  EXPECT_NE(read.error().message().find("stream 'customer-2' version 1"), std::string_view::npos)
      << read.error().to_string();
  EXPECT_TRUE(store_->read_stream("customer-1"));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteEncryptionTest, ::testing::Values("sqlite"));
#endif

}  // namespace
}  // namespace es::testing
