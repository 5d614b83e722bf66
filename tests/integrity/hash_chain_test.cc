// The chain's encoding is the documented format 1 (docs/security.md, "Hash chain"): the expected
// hashes below were computed from the document alone, with Python's hashlib.blake2b.
#include "store/hash_chain.h"

#include <gtest/gtest.h>

#include <string>

#include "store/chain_scan.h"

namespace es::detail {
namespace {

Uuid id(std::string_view text) { return Uuid::parse(text).value(); }

ChainFields first_event() {
  return {.stream = "account-42",
          .version = 1,
          .id = id("0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f60"),
          .type = "bank.AccountOpened",
          .schema_version = 1,
          .data = R"({"owner":"ada"})",
          .metadata = "{}",
          .tenant = "",
          .recorded_at_us = 1'767'225'600'000'000};  // 2026-01-01T00:00:00Z
}

ChainFields second_event() {
  return {.stream = "account-42",
          .version = 2,
          .id = id("0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f61"),
          .type = "bank.MoneyDeposited",
          .schema_version = 2,
          .data = R"({"cents":500})",
          .metadata = R"({"actor":"alice"})",
          .tenant = "acme",
          .recorded_at_us = 1'767'225'600'000'001};
}

TEST(HashChain, MatchesTheDocumentedFormat) {
  const ChainHash h1 = chain_hash(kChainStart, first_event());
  EXPECT_EQ(to_hex(h1), "92c721ff6124d7f3ff550577e6f99d69336e3994717a1a8d7b375b27feaf852e");
  const ChainHash h2 = chain_hash(h1, second_event());
  EXPECT_EQ(to_hex(h2), "095d758faada55d46daee73eda698ecfe2e2816fb889f02be57c95b44eae73ba");
}

// Fields longer than the encoder's buffer, and ones that end past it, hash as the format says.
TEST(HashChain, LargeFieldsMatchTheDocumentedFormat) {
  const std::string data = R"({"note":")" + std::string(990, 'x') + R"("})";
  const std::string metadata = R"({"actor":")" + std::string(288, 'a') + R"("})";
  const std::string tenant(511, 't');
  ChainFields large = second_event();
  large.data = data;
  large.metadata = metadata;
  large.tenant = tenant;
  const ChainHash h = chain_hash(chain_hash(kChainStart, first_event()), large);
  EXPECT_EQ(to_hex(h), "d734bb72898798f1063990bcfb6bddbe7e35cf1dc193b3caa14741dac5b7c75a");
}

TEST(HashChain, TheDigestMatchesTheDocumentedFormat) {
  const ChainHash h2 = chain_hash(chain_hash(kChainStart, first_event()), second_event());
  HeadDigest digest;
  digest.add("account-42", 2, h2);
  digest.add("reserved", 0, kChainStart);
  EXPECT_EQ(to_hex(digest.finish()),
            "6fa76875143eee4cf0a4eb5bfdaab44a436bc8f09511f76ab613a81291f53db7");
}

TEST(HashChain, EveryCoveredFieldAndThePreviousHashChangeTheHash) {
  const ChainHash base = chain_hash(kChainStart, second_event());
  std::vector<ChainFields> variants(9, second_event());
  variants[0].stream = "account-43";
  variants[1].version = 3;
  variants[2].id = id("0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f62");
  variants[3].type = "bank.MoneyWithdrawn";
  variants[4].schema_version = 3;
  variants[5].data = R"({"cents":501})";
  variants[6].metadata = R"({"actor":"bob"})";
  variants[7].tenant = "other";
  variants[8].recorded_at_us += 1;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    EXPECT_NE(chain_hash(kChainStart, variants[i]), base) << "variant " << i;
  }
  ChainHash other_previous{};
  other_previous[31] = 1;
  EXPECT_NE(chain_hash(other_previous, second_event()), base);
}

TEST(HashChain, LengthPrefixesKeepFieldBoundaries) {
  ChainFields a = second_event();
  ChainFields b = second_event();
  a.data = "ab";
  a.metadata = "c";
  b.data = "a";
  b.metadata = "bc";
  EXPECT_NE(chain_hash(kChainStart, a), chain_hash(kChainStart, b));
}

// ChainScan on hand-made rows: the cases a SQLite file cannot produce while its unique index on
// (stream, version) holds.
TEST(ChainScan, ReportsASecondEventAtOneVersionAndVersionsBelowOne) {
  const VerifyOptions options;
  ChainScan scan(options);
  const ChainHash h1 = chain_hash(kChainStart, first_event());
  ChainFields zero = first_event();
  zero.version = 0;
  scan.head("account-42", 1, as_bytes(h1));
  scan.event(zero, as_bytes(h1));
  scan.event(first_event(), as_bytes(h1));
  scan.event(first_event(), as_bytes(h1));
  const VerifyReport report = scan.finish();
  ASSERT_EQ(report.problems.size(), 2U);
  EXPECT_EQ(report.problems[0].version, 0);
  EXPECT_EQ(report.problems[0].kind, IntegrityProblemKind::kInserted);
  EXPECT_EQ(report.problems[1].version, 1);
  EXPECT_EQ(report.problems[1].kind, IntegrityProblemKind::kInserted);
  EXPECT_EQ(report.events, 3U);
  EXPECT_EQ(report.streams, 1U);
}

}  // namespace
}  // namespace es::detail
