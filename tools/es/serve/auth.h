// Bearer-token authentication of `es serve` (docs/http.md): a table of tokens read from a file,
// each with a role and an optional tenant scope.
//
// The file has one token per line: `TOKEN ROLE [TENANT]`, ROLE one of read, write, admin
// (each includes the ones before it); blank lines and lines starting with '#' are ignored. A
// token with a TENANT acts through es::scope_to_tenant: it sees and writes that tenant's
// streams only.
//
// Thread safety: immutable after load(); find() may be called from any thread.
//
//   auto tokens = es::serve::TokenTable::load("tokens.txt");
//   const es::serve::Principal* who = tokens->find("s3cret");   // null: unknown token
//   if (who && allows(who->role, es::serve::Role::kWrite)) ...
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "es/core/result.h"

namespace es::serve {

enum class Role : std::uint8_t { kRead, kWrite, kAdmin };

// "read", "write" or "admin".
std::string_view role_name(Role role);

// Whether a token of role `held` may do what `needed` allows.
constexpr bool allows(Role held, Role needed) { return held >= needed; }

struct Principal {
  Role role = Role::kRead;
  std::string tenant;  // empty: the whole store
};

class TokenTable {
 public:
  // kInvalidArgument naming the line for a malformed one, a duplicate token or no token at all.
  static Result<TokenTable> load(const std::string& path);
  static Result<TokenTable> parse(std::string_view text, std::string_view where);

  [[nodiscard]] const Principal* find(std::string_view token) const;

 private:
  std::unordered_map<std::string, Principal> tokens_;
};

}  // namespace es::serve
