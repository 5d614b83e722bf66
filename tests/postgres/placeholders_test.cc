// es::Tx's ?N placeholders become $N on PostgreSQL, except inside quotes and comments.
#include "projection/postgres/placeholders.h"

#include <gtest/gtest.h>

namespace es::postgres {
namespace {

TEST(Placeholders, NumberedOnesBecomeDollarOnesOutsideQuotesAndComments) {
  EXPECT_EQ(to_dollar_placeholders("INSERT INTO t VALUES (?1, ?2, $3)"),
            "INSERT INTO t VALUES ($1, $2, $3)");
  EXPECT_EQ(to_dollar_placeholders("SELECT '?1', 'it''s ?2', \"col?3\" FROM t WHERE a = ?4"),
            "SELECT '?1', 'it''s ?2', \"col?3\" FROM t WHERE a = $4");
  EXPECT_EQ(to_dollar_placeholders("SELECT 1 -- ?1\n, ?2 /* ?3 */"),
            "SELECT 1 -- ?1\n, $2 /* ?3 */");
  EXPECT_EQ(to_dollar_placeholders("SELECT $$ ?1 $$, $tag$ ?2 $tag$, ?3"),
            "SELECT $$ ?1 $$, $tag$ ?2 $tag$, $3");
  // A bare ? (the jsonb operator) is not a numbered placeholder.
  EXPECT_EQ(to_dollar_placeholders("SELECT data ? 'key' FROM t"), "SELECT data ? 'key' FROM t");
  EXPECT_EQ(to_dollar_placeholders("SELECT 'unterminated ?1"), "SELECT 'unterminated ?1");
}

}  // namespace
}  // namespace es::postgres
