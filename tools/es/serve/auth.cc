#include "auth.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace es::serve {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kRead:
      return "read";
    case Role::kWrite:
      return "write";
    case Role::kAdmin:
      return "admin";
  }
  return "read";
}

Result<TokenTable> TokenTable::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::not_found(fmt::format("cannot read the token file '{}'", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Result<TokenTable> TokenTable::parse(std::string_view text, std::string_view where) {
  TokenTable table;
  std::istringstream lines{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    std::istringstream words(line);
    std::vector<std::string> fields;
    for (std::string word; words >> word;) fields.push_back(word);
    if (fields.empty() || fields[0].starts_with('#')) continue;
    auto bad = [&](std::string_view problem) {
      return Status::invalid_argument(fmt::format("{}:{}: {}", where, number, problem));
    };
    if (fields.size() < 2 || fields.size() > 3) {
      return bad("expected 'TOKEN ROLE [TENANT]'");
    }
    Principal principal;
    if (fields[1] == "read") {
      principal.role = Role::kRead;
    } else if (fields[1] == "write") {
      principal.role = Role::kWrite;
    } else if (fields[1] == "admin") {
      principal.role = Role::kAdmin;
    } else {
      return bad(fmt::format("role '{}' is not read, write or admin", fields[1]));
    }
    if (fields.size() == 3) principal.tenant = fields[2];
    if (!table.tokens_.emplace(fields[0], std::move(principal)).second) {
      return bad("the token is listed twice");
    }
  }
  if (table.tokens_.empty()) {
    return Status::invalid_argument(fmt::format("{}: no tokens", where));
  }
  return table;
}

const Principal* TokenTable::find(std::string_view token) const {
  const auto it = tokens_.find(std::string(token));
  return it == tokens_.end() ? nullptr : &it->second;
}

}  // namespace es::serve
