// es::Tx's portable placeholders on PostgreSQL: ?1, ?2 … (SQLite's numbered form, which Tx
// documents) become $1, $2 …; $N passes through. Text inside '…' and "…", dollar-quoted strings
// ($$…$$, $tag$…$tag$) and comments is left alone, so a literal '?1' stays a literal.
//
//   to_dollar_placeholders("SELECT cents FROM balances WHERE account = ?1")
//     == "SELECT cents FROM balances WHERE account = $1"
#pragma once

#include <string>
#include <string_view>

namespace es::postgres {

std::string to_dollar_placeholders(std::string_view sql);

}  // namespace es::postgres
