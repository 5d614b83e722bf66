// Bearer-token authentication of `es serve` (docs/http.md): a table of tokens read from a file,
// each with a role and an optional tenant scope.
//
// The file has one token per line: `TOKEN ROLE [TENANT]`, ROLE one of read, write, admin
// (each includes the ones before it); blank lines and lines starting with '#' are ignored. A
// token with a TENANT acts through es::scope_to_tenant: it sees and writes that tenant's
// streams only.
//
// find() takes the same time whatever the presented token is and however much of it matches a
// stored one: it hashes the token (keyed BLAKE2b, a random key per table) and compares that
// fixed-length digest with every stored digest, all of them, with sodium_memcmp. The table keeps
// only the digests, never the tokens.
//
// Thread safety: immutable after load(); find() may be called from any thread.
//
//   auto tokens = es::serve::TokenTable::load("tokens.txt");
//   const es::serve::Principal* who = tokens->find("s3cret");   // null: unknown token
//   if (who && allows(who->role, es::serve::Role::kWrite)) ...
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
  int line = 0;        // the token's line in the file: names it (rate limits) without the secret
};

class TokenTable {
 public:
  // kInvalidArgument naming the line for a malformed one, a duplicate token or no token at all.
  static Result<TokenTable> load(const std::string& path);
  static Result<TokenTable> parse(std::string_view text, std::string_view where);

  // The principal of `token`, or null; constant-time (see above).
  [[nodiscard]] const Principal* find(std::string_view token) const;

 private:
  static constexpr std::size_t kDigestBytes = 32;
  using Digest = std::array<unsigned char, kDigestBytes>;
  struct Entry {
    Digest digest{};
    Principal principal;
  };

  TokenTable();
  [[nodiscard]] Digest digest(std::string_view token) const;

  std::array<unsigned char, kDigestBytes> key_{};  // random, this table's only
  std::vector<Entry> entries_;
};

}  // namespace es::serve
