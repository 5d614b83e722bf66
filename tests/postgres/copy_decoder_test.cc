// The binary COPY decoder (store/postgres/copy_decoder.h) on the bytes a real server sends, whole
// and cut into pieces at every byte, and the errors it names for data that is not what the server
// sends.
#include "store/postgres/copy_decoder.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <string>
#include <vector>

#include "store/postgres/connection.h"
#include "store/postgres/wire.h"
#include "support/events.h"
#include "support/postgres.h"

namespace es::testing {
namespace {

using postgres::CopyDecoder;
using postgres::CopyField;

// Three rows of (bigint, text, bytea or null, empty text), as the server encodes them.
constexpr std::string_view kSelect =
    "SELECT g::int8, 'row ' || g, CASE WHEN g = 2 THEN NULL ELSE '\\x00ff'::bytea END, ''::text "
    "FROM generate_series(1, 3) AS g";

struct Row {
  std::int64_t number = 0;
  std::string text;
  bool null = false;
  std::string bytes;
  std::string empty;
};

class CopyDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string url = test_pg_url();
    ASSERT_FALSE(url.empty());
    auto conn = postgres::Connection::open(url, "public");
    ASSERT_TRUE(conn.has_value()) << conn.error().to_string();
    pg_conn* pg = conn->get();
    const std::string sql = "COPY (" + std::string(kSelect) + ") TO STDOUT (FORMAT binary)";
    ASSERT_EQ(PQsendQuery(pg, sql.c_str()), 1) << PQerrorMessage(pg);
    postgres::PgResult started(PQgetResult(pg));
    ASSERT_EQ(PQresultStatus(started.get()), PGRES_COPY_OUT) << PQerrorMessage(pg);
    for (;;) {
      char* chunk = nullptr;
      const int size = PQgetCopyData(pg, &chunk, 0);
      if (size < 0) break;
      messages_.emplace_back(chunk, static_cast<std::size_t>(size));
      PQfreemem(chunk);
    }
    while (pg_result* r = PQgetResult(pg)) PQclear(r);
    for (const std::string& m : messages_) data_ += m;
  }

  // Decodes `pieces` in order; the rows, or the first error.
  static Result<std::vector<Row>> decode(const std::vector<std::string>& pieces,
                                         std::size_t columns = 4) {
    CopyDecoder decoder(columns);
    std::vector<Row> rows;
    const auto on_row = [&](std::span<const CopyField> f) {
      rows.push_back({postgres::read_int8(f[0].bytes), std::string(f[1].bytes), f[2].null,
                      std::string(f[2].bytes), std::string(f[3].bytes)});
      return true;
    };
    for (const std::string& piece : pieces) ES_RETURN_IF_ERROR(decoder.feed(piece, on_row));
    ES_RETURN_IF_ERROR(decoder.finish());
    return rows;
  }

  static void expect_server_rows(const std::vector<Row>& rows) {
    ASSERT_EQ(rows.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(rows[i].number, static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(rows[i].text, "row " + std::to_string(i + 1));
      EXPECT_EQ(rows[i].null, i == 1);
      EXPECT_EQ(rows[i].bytes, i == 1 ? std::string() : std::string("\x00\xff", 2));
      EXPECT_EQ(rows[i].empty, "");
    }
  }

  static std::string message_of(const Result<std::vector<Row>>& r) {
    return r ? std::string("ok") : std::string(r.error().message());
  }

  std::vector<std::string> messages_;  // as PQgetCopyData returned them
  std::string data_;                   // all of them
};

TEST_F(CopyDecoderTest, DecodesTheServersMessagesAsTheyArrive) {
  ASSERT_GE(messages_.size(), 2u);  // at least the rows and the trailer
  auto rows = decode(messages_);
  ASSERT_TRUE(rows.has_value()) << rows.error().to_string();
  expect_server_rows(*rows);
}

TEST_F(CopyDecoderTest, DecodesTheSameDataCutAtAnyByte) {
  for (std::size_t cut = 0; cut <= data_.size(); ++cut) {
    auto rows = decode({data_.substr(0, cut), data_.substr(cut)});
    ASSERT_TRUE(rows.has_value()) << "cut at " << cut << ": " << rows.error().to_string();
    expect_server_rows(*rows);
  }
  std::vector<std::string> bytes;
  for (const char c : data_) bytes.emplace_back(1, c);
  auto rows = decode(bytes);
  ASSERT_TRUE(rows.has_value()) << rows.error().to_string();
  expect_server_rows(*rows);
}

TEST_F(CopyDecoderTest, StopsWhenTheVisitorSaysSo) {
  CopyDecoder decoder(4);
  std::size_t calls = 0;
  ES_ASSERT_OK(decoder.feed(data_, [&](std::span<const CopyField>) { return ++calls < 2; }));
  ES_ASSERT_OK(decoder.feed(data_, [&](std::span<const CopyField>) { return ++calls < 2; }));
  ES_ASSERT_OK(decoder.finish());
  EXPECT_EQ(calls, 2u);
  EXPECT_EQ(decoder.rows(), 2u);
}

TEST_F(CopyDecoderTest, NamesWhatIsWrongWithMalformedData) {
  std::string bad_signature = data_;
  bad_signature[0] = 'X';
  EXPECT_NE(message_of(decode({bad_signature})).find("PGCOPY signature"), std::string::npos);

  EXPECT_NE(message_of(decode({data_.substr(0, 5)})).find("before the end of the header"),
            std::string::npos);

  // The header is 19 bytes; the first row's field count follows.
  EXPECT_NE(message_of(decode({data_.substr(0, 25)})).find("ended inside row 1"),
            std::string::npos);
  EXPECT_NE(message_of(decode({data_.substr(0, data_.size() - 2)})).find("without the trailer"),
            std::string::npos);

  EXPECT_NE(message_of(decode({data_}, 5)).find("row 1 has 4 fields, expected 5"),
            std::string::npos);

  EXPECT_NE(message_of(decode({data_ + "x"})).find("data after the trailer"), std::string::npos);

  std::string negative = data_;
  // The first field's length (after the header and the field count): -2.
  negative.replace(21, 4, std::string("\xff\xff\xff\xfe", 4));
  EXPECT_NE(message_of(decode({negative})).find("row 1 has a field of length -2"),
            std::string::npos);

  std::string flagged = data_;
  flagged[14] = '\x01';  // a format-breaking flag bit (bits 0-15 are the low two bytes)
  EXPECT_NE(message_of(decode({flagged})).find("unsupported header flags"), std::string::npos);
}

}  // namespace
}  // namespace es::testing
