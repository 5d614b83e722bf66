// Feeds arbitrary bytes to the CLI's payload encodings (tools/es/encoding.h): base64 decoding of
// an imported "data_encoding": "base64" payload, base64 encoding and the UTF-8 check that decides
// whether export may write a payload as text.
// Checks: decoding is the inverse of encoding (both ways, for canonical input); the UTF-8 check
// agrees with nlohmann::json, which refuses to write a string that is not UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "check.h"
#include "encoding.h"

namespace {

bool json_accepts_utf8(std::string_view bytes) {
  try {
    (void)nlohmann::json(std::string(bytes)).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(bytes), size);

  const std::string encoded = es::cli::base64_encode(input);
  FUZZ_CHECK(encoded.size() == (size + 2) / 3 * 4);
  const auto decoded = es::cli::base64_decode(encoded);
  FUZZ_CHECK(decoded && *decoded == input);

  if (const auto from_text = es::cli::base64_decode(input)) {
    // Padding bits that are not zero decode too; the canonical input encodes back to itself.
    const std::string canonical = es::cli::base64_encode(*from_text);
    FUZZ_CHECK(canonical.size() == input.size());
    FUZZ_CHECK(es::cli::base64_decode(canonical) == from_text);
  }

  FUZZ_CHECK(es::is_valid_utf8(input) == json_accepts_utf8(input));
  return 0;
}
