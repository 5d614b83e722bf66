#include "auth.h"

#include <fmt/format.h>
#include <sodium.h>

#include <fstream>
#include <sstream>

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

TokenTable::TokenTable() {
  // sodium_init() is idempotent and thread-safe; it seeds randombytes_buf.
  static const bool kInitialised = sodium_init() >= 0;
  (void)kInitialised;
  randombytes_buf(key_.data(), key_.size());
}

TokenTable::Digest TokenTable::digest(std::string_view token) const {
  Digest out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), key_.data(), key_.size());
  return out;
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
    principal.line = number;
    if (table.find(fields[0]) != nullptr) return bad("the token is listed twice");
    table.entries_.push_back(
        {.digest = table.digest(fields[0]), .principal = std::move(principal)});
  }
  if (table.entries_.empty()) {
    return Status::invalid_argument(fmt::format("{}: no tokens", where));
  }
  return table;
}

const Principal* TokenTable::find(std::string_view token) const {
  const Digest presented = digest(token);
  const Principal* found = nullptr;
  // No early exit: every entry is compared, each comparison in constant time.
  for (const Entry& entry : entries_) {
    const bool same = sodium_memcmp(entry.digest.data(), presented.data(), kDigestBytes) == 0;
    found = same ? &entry.principal : found;
  }
  return found;
}

}  // namespace es::serve
