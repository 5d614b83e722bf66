// Tampering with a SQLite store's file behind the store's back — UPDATE, DELETE and INSERT of
// rows through the SQLite C API — is reported by verify() with the right stream, version and kind.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "es/store/sqlite_store.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/integrity.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

class Tamper : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open_sqlite(path_);
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

  void sql(const std::string& statements) { sqlite_query(path_, statements); }

  VerifyReport verify(const VerifyOptions& options = {}) {
    auto store = open_sqlite(path_);
    EXPECT_TRUE(store.has_value()) << store.error().to_string();
    if (!store) return {};
    auto report = (*store)->verify(options);
    EXPECT_TRUE(report.has_value()) << report.error().to_string();
    return report ? *report : VerifyReport{};
  }
  std::vector<std::string> problems() { return problems_of(verify()); }

  TempDir dir_;
  const std::string path_ = dir_.file("events.db");
  std::string digest_;
};

using Problems = std::vector<std::string>;

TEST_F(Tamper, AnUntouchedStoreVerifiesAndKeepsItsDigest) {
  const VerifyReport report = verify();
  EXPECT_TRUE(report.intact());
  EXPECT_EQ(report.streams, 3U);
  EXPECT_EQ(report.events, 10U);
  EXPECT_EQ(report.digest, digest_);
  EXPECT_EQ(report.digest.size(), 64U);
}

TEST_F(Tamper, AnUpdatedPayloadIsModified) {
  sql("UPDATE events SET data = '{\"n\":99}' WHERE stream = 'a-1' AND version = 3");
  EXPECT_EQ(problems(), (Problems{"a-1/3/modified"}));
}

// Long requests in one multi-stream batch chain like short ones: they verify, continue a short
// request's chain, and tampering inside them is found.
TEST_F(Tamper, LongRequestsChainLikeShortOnes) {
  {
    auto store = open_sqlite(path_);
    ES_ASSERT_OK(store);
    const auto first = make_events(100);
    const auto second = make_events(40);
    ES_ASSERT_OK((*store)->append(
        {{.stream = "a-1", .expected = ExpectedVersion::exact(5), .events = first},
         {.stream = "d-1", .expected = ExpectedVersion::no_stream(), .events = second}}));
    ES_ASSERT_OK((*store)->append("a-1", ExpectedVersion::exact(105), make_events(1)));
  }
  const VerifyReport report = verify();
  EXPECT_TRUE(report.intact()) << ::testing::PrintToString(problems_of(report));
  EXPECT_EQ(report.events, 151U);
  sql("UPDATE events SET data = '{\"n\":99}' WHERE stream = 'a-1' AND version = 60");
  EXPECT_EQ(problems(), (Problems{"a-1/60/modified"}));
}

TEST_F(Tamper, UpdatedMetadataTypeOrTimeIsModified) {
  sql("UPDATE events SET metadata = '{\"actor\":\"mallory\"}' WHERE stream = 'a-1' AND "
      "version = 2;"
      "UPDATE events SET type = 'test.Other' WHERE stream = 'b-1' AND version = 1;"
      "UPDATE events SET recorded_at = recorded_at - 1 WHERE stream = 'c-1' AND version = 2");
  EXPECT_EQ(problems(), (Problems{"a-1/2/modified", "b-1/1/modified", "c-1/2/modified"}));
}

TEST_F(Tamper, AnUpdatedLastEventIsModifiedOnce) {
  sql("UPDATE events SET data = '{}' WHERE stream = 'a-1' AND version = 5");
  EXPECT_EQ(problems(), (Problems{"a-1/5/modified"}));
}

TEST_F(Tamper, ADeletedMiddleEventIsDeleted) {
  sql("DELETE FROM events WHERE stream = 'a-1' AND version = 3");
  EXPECT_EQ(problems(), (Problems{"a-1/3/deleted"}));
}

TEST_F(Tamper, ADeletedRangeIsOneProblemAtItsFirstVersion) {
  sql("DELETE FROM events WHERE stream = 'a-1' AND version IN (2, 3)");
  const VerifyReport report = verify();
  EXPECT_EQ(problems_of(report), (Problems{"a-1/2/deleted"}));
  EXPECT_NE(report.problems.at(0).detail.find("versions 2-3"), std::string::npos)
      << report.problems.at(0).detail;
}

TEST_F(Tamper, ADeletedLastEventIsDeleted) {
  sql("DELETE FROM events WHERE stream = 'a-1' AND version = 5");
  EXPECT_EQ(problems(), (Problems{"a-1/5/deleted"}));
}

TEST_F(Tamper, AForgedEventPastTheHeadIsInserted) {
  sql("INSERT INTO events (id, stream, version, type, schema_version, data, metadata, tenant, "
      "recorded_at, hash) SELECT randomblob(16), stream, 6, type, schema_version, '{}', "
      "metadata, tenant, recorded_at, hash FROM events WHERE stream = 'a-1' AND version = 5");
  EXPECT_EQ(problems(), (Problems{"a-1/6/inserted"}));
}

TEST_F(Tamper, EventsOfAStreamWithoutARowAreInserted) {
  sql("INSERT INTO events (id, stream, version, type, schema_version, data, metadata, tenant, "
      "recorded_at) VALUES (randomblob(16), 'ghost-1', 1, 'test.Forged', 1, '{}', '{}', '', 1)");
  EXPECT_EQ(problems(), (Problems{"ghost-1/1/inserted"}));
}

TEST_F(Tamper, ADeletedStreamRowIsDeleted) {
  sql("DELETE FROM streams WHERE stream = 'b-1'");
  EXPECT_EQ(problems(), (Problems{"b-1/3/deleted"}));
}

TEST_F(Tamper, SwappedVersionsAreReordered) {
  sql("UPDATE events SET version = -2 WHERE stream = 'a-1' AND version = 2;"
      "UPDATE events SET version = 2 WHERE stream = 'a-1' AND version = 3;"
      "UPDATE events SET version = 3 WHERE stream = 'a-1' AND version = -2");
  EXPECT_EQ(problems(), (Problems{"a-1/2/reordered", "a-1/3/reordered"}));
}

TEST_F(Tamper, DistantSwapsAndSwapsOfTheLastEventAreReordered) {
  sql("UPDATE events SET version = -1 WHERE stream = 'a-1' AND version = 1;"
      "UPDATE events SET version = 1 WHERE stream = 'a-1' AND version = 4;"
      "UPDATE events SET version = 4 WHERE stream = 'a-1' AND version = -1;"
      "UPDATE events SET version = -1 WHERE stream = 'b-1' AND version = 2;"
      "UPDATE events SET version = 2 WHERE stream = 'b-1' AND version = 3;"
      "UPDATE events SET version = 3 WHERE stream = 'b-1' AND version = -1");
  EXPECT_EQ(problems(),
            (Problems{"a-1/1/reordered", "a-1/4/reordered", "b-1/2/reordered", "b-1/3/reordered"}));
}

TEST_F(Tamper, SwappedPayloadsAreTwoModifiedEvents) {
  sql("CREATE TEMP TABLE saved AS SELECT data FROM events WHERE stream = 'a-1' AND version = 2;"
      "UPDATE events SET data = (SELECT data FROM events WHERE stream = 'a-1' AND version = 4) "
      "WHERE stream = 'a-1' AND version = 2;"
      "UPDATE events SET data = (SELECT data FROM saved) WHERE stream = 'a-1' AND version = 4");
  EXPECT_EQ(problems(), (Problems{"a-1/2/modified", "a-1/4/modified"}));
}

TEST_F(Tamper, AnAlteredHeadIsReported) {
  sql("UPDATE streams SET last_hash = zeroblob(32) WHERE stream = 'c-1';"
      "UPDATE streams SET version = 7 WHERE stream = 'b-1'");
  EXPECT_EQ(problems(), (Problems{"b-1/4/deleted", "c-1/2/modified"}));
}

TEST_F(Tamper, ARemovedHashIsModified) {
  sql("UPDATE events SET hash = NULL WHERE stream = 'a-1' AND version = 2");
  EXPECT_EQ(problems(), (Problems{"a-1/2/modified"}));
}

TEST_F(Tamper, OneStreamIsVerifiedAlone) {
  sql("UPDATE events SET data = '{}' WHERE stream = 'a-1' AND version = 1;"
      "DELETE FROM events WHERE stream = 'b-1' AND version = 2");
  const VerifyReport report = verify({.stream = "b-1"});
  EXPECT_EQ(problems_of(report), (Problems{"b-1/2/deleted"}));
  EXPECT_EQ(report.streams, 1U);
  EXPECT_EQ(report.events, 2U);
}

TEST_F(Tamper, ProblemsAndHeadsStreamToCallbacks) {
  sql("UPDATE events SET data = '{}' WHERE stream = 'c-1' AND version = 1");
  std::vector<IntegrityProblem> seen;
  std::vector<ChainHead> heads;
  const VerifyReport report =
      verify({.on_problem = [&](const IntegrityProblem& p) { seen.push_back(p); },
              .on_head = [&](const ChainHead& h) { heads.push_back(h); }});
  EXPECT_TRUE(report.problems.empty());
  EXPECT_EQ(report.problems_found, 1U);
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].stream, "c-1");
  ASSERT_EQ(heads.size(), 3U);
  EXPECT_EQ(heads[0].stream, "a-1");
  EXPECT_EQ(heads[0].version, 5);
  EXPECT_EQ(heads[0].hash,
            sqlite_query(path_,
                         "SELECT lower(hex(hash)) FROM events WHERE stream = 'a-1' AND "
                         "version = 5")
                .at(0));
}

// What the chain alone cannot see (docs/security.md): a tail cut off together with its head row
// fixed up. The digest recorded earlier is the anchor that catches it.
TEST_F(Tamper, ACutTailWithAFixedHeadNeedsTheDigest) {
  sql("DELETE FROM events WHERE stream = 'a-1' AND version = 5;"
      "UPDATE streams SET version = 4, last_hash = (SELECT hash FROM events WHERE stream = 'a-1' "
      "AND version = 4) WHERE stream = 'a-1'");
  const VerifyReport report = verify();
  EXPECT_TRUE(report.intact());
  EXPECT_NE(report.digest, digest_);
}

}  // namespace
}  // namespace es::testing
