// Tampering with a postgres store behind its back — UPDATE, DELETE and INSERT of rows through a
// raw libpq session on the store's schema — is reported by verify() with the right stream,
// version and kind; and a store written before the chain gets it from the migration.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

#include "es/store/postgres_store.h"
#include "support/events.h"
#include "support/integrity.h"
#include "support/postgres.h"

namespace es::testing {
namespace {

using Problems = std::vector<std::string>;

class PostgresTamper : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = test_pg_url();
    ASSERT_FALSE(url_.empty());
    options_.schema = fresh_pg_schema();
    auto store = open_postgres(url_, options_);
    ES_ASSERT_OK(store);
    ES_ASSERT_OK((*store)->append("a-1", ExpectedVersion::no_stream(), make_events(5)));
    const auto b = make_events(3);
    const auto c = make_events(2);
    ES_ASSERT_OK(
        (*store)->append({{.stream = "b-1", .events = b}, {.stream = "c-1", .events = c}}));
    auto report = (*store)->verify();
    ES_ASSERT_OK(report);
    ASSERT_TRUE(report->intact()) << ::testing::PrintToString(problems_of(*report));
    digest_ = report->digest;
  }

  // Runs `statements` in the store's schema, outside the store.
  void sql(const std::string& statements) {
    const std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url_.c_str()), PQfinish);
    ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
    const std::string script = "SET search_path TO " + options_.schema + "; " + statements;
    const std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), script.c_str()),
                                                          PQclear);
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQerrorMessage(conn.get());
  }

  VerifyReport verify() {
    auto store = open_postgres(url_, options_);
    EXPECT_TRUE(store.has_value()) << store.error().to_string();
    if (!store) return {};
    auto report = (*store)->verify();
    EXPECT_TRUE(report.has_value()) << report.error().to_string();
    return report ? *report : VerifyReport{};
  }
  std::vector<std::string> problems() { return problems_of(verify()); }

  std::string url_;
  PostgresOptions options_;
  std::string digest_;
};

TEST_F(PostgresTamper, AnUntouchedStoreVerifiesAndKeepsItsDigest) {
  const VerifyReport report = verify();
  EXPECT_TRUE(report.intact());
  EXPECT_EQ(report.streams, 3U);
  EXPECT_EQ(report.events, 10U);
  EXPECT_EQ(report.digest, digest_);
}

TEST_F(PostgresTamper, AnUpdatedPayloadOrTimeIsModified) {
  sql("UPDATE events SET data = '{\"n\":99}' WHERE stream = 'a-1' AND version = 3;"
      "UPDATE events SET recorded_at = recorded_at - interval '1 microsecond' "
      "WHERE stream = 'c-1' AND version = 2");
  EXPECT_EQ(problems(), (Problems{"a-1/3/modified", "c-1/2/modified"}));
}

TEST_F(PostgresTamper, ADeletedMiddleEventIsDeleted) {
  sql("DELETE FROM events WHERE stream = 'a-1' AND version = 3");
  EXPECT_EQ(problems(), (Problems{"a-1/3/deleted"}));
}

TEST_F(PostgresTamper, AForgedEventPastTheHeadIsInserted) {
  sql("INSERT INTO events (id, stream, version, type, schema_version, data, metadata, tenant, "
      "recorded_at, hash) SELECT gen_random_uuid(), stream, 6, type, schema_version, '{}', "
      "metadata, tenant, recorded_at, hash FROM events WHERE stream = 'a-1' AND version = 5");
  EXPECT_EQ(problems(), (Problems{"a-1/6/inserted"}));
}

TEST_F(PostgresTamper, SwappedVersionsAreReordered) {
  sql("UPDATE events SET version = -2 WHERE stream = 'a-1' AND version = 2;"
      "UPDATE events SET version = 2 WHERE stream = 'a-1' AND version = 3;"
      "UPDATE events SET version = 3 WHERE stream = 'a-1' AND version = -2");
  EXPECT_EQ(problems(), (Problems{"a-1/2/reordered", "a-1/3/reordered"}));
}

// The scan and the backfill read events in pages of 10,000 rows; a page may end inside a stream.
TEST_F(PostgresTamper, ProblemsPastThePageBoundaryAreFound) {
  {
    auto store = open_postgres(url_, options_);
    ES_ASSERT_OK(store);
    for (int i = 0; i < 2; ++i) {
      ES_ASSERT_OK((*store)->append("b-1", ExpectedVersion::any(), make_events(6'000)));
    }
  }
  EXPECT_TRUE(verify().intact());
  sql("DELETE FROM events WHERE stream = 'b-1' AND version = 11000");
  const VerifyReport report = verify();
  EXPECT_EQ(problems_of(report), (Problems{"b-1/11000/deleted"}));
  EXPECT_EQ(report.events, 12'009U);
}

// A store of schema version 1 (before the chain) is hashed by the migration, to the same chain
// the writer computes.
TEST_F(PostgresTamper, TheMigrationHashesAStoreWrittenBeforeTheChain) {
  // Every table of a later migration goes, so the reopen runs them all again.
  sql("DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = "
      "current_schema() AND tablename NOT IN ('streams', 'events', 'schema_version') LOOP "
      "EXECUTE format('DROP TABLE %I', t); END LOOP; END $$;"
      "ALTER TABLE events DROP COLUMN hash; ALTER TABLE streams DROP COLUMN last_hash;"
      "UPDATE schema_version SET version = 1");
  const VerifyReport report = verify();
  EXPECT_TRUE(report.intact()) << ::testing::PrintToString(problems_of(report));
  EXPECT_EQ(report.events, 10U);
  EXPECT_EQ(report.digest, digest_);
}

}  // namespace
}  // namespace es::testing
