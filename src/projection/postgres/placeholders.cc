#include "projection/postgres/placeholders.h"

namespace es::postgres {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_tag_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || is_digit(c);
}

// The index just past the quoted text or comment starting at `i`, or `i` when none starts there.
std::size_t skip_quoted(std::string_view sql, std::size_t i) {
  const char c = sql[i];
  const auto find_from = [&](std::string_view end, std::size_t from) {
    const std::size_t at = sql.find(end, from);
    return at == std::string_view::npos ? sql.size() : at + end.size();
  };
  if (c == '\'' || c == '"') {
    // A doubled quote inside is an escaped one: two quoted runs back to back.
    return find_from(std::string_view(&sql[i], 1), i + 1);
  }
  if (c == '-' && sql.substr(i, 2) == "--") return find_from("\n", i + 2);
  if (c == '/' && sql.substr(i, 2) == "/*") return find_from("*/", i + 2);
  if (c == '$') {
    std::size_t j = i + 1;
    if (j < sql.size() && is_digit(sql[j])) return i;  // $N, a parameter
    while (j < sql.size() && is_tag_char(sql[j])) ++j;
    if (j < sql.size() && sql[j] == '$') {
      const std::string_view tag = sql.substr(i, j - i + 1);
      return find_from(tag, j + 1);
    }
  }
  return i;
}

}  // namespace

std::string to_dollar_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t i = 0;
  while (i < sql.size()) {
    const std::size_t end = skip_quoted(sql, i);
    if (end != i) {
      out.append(sql.substr(i, end - i));
      i = end;
      continue;
    }
    const bool numbered = sql[i] == '?' && i + 1 < sql.size() && is_digit(sql[i + 1]);
    out.push_back(numbered ? '$' : sql[i]);
    ++i;
  }
  return out;
}

}  // namespace es::postgres
