// UTF-8 well-formedness, the rule for every name the store accepts and for text the CLI puts in
// JSON strings unchanged.
//
// Thread safety: pure functions.
//
//   if (!es::is_valid_utf8(name)) return es::Status::invalid_argument("name is not UTF-8");
//   std::size_t n = es::utf8_sequence_length(text, 0);   // 0: malformed at byte 0
#pragma once

#include <cstddef>
#include <string_view>

namespace es {

// Length of the UTF-8 sequence starting at s[i] (i < s.size()), or 0 when it is malformed:
// truncated, an overlong form, a surrogate or a code point past U+10FFFF.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// True when every sequence of `bytes` is well formed.
bool is_valid_utf8(std::string_view bytes);

}  // namespace es
