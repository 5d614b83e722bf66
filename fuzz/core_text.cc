// Parses arbitrary text with the parsers of the core value types that users and peers hand in:
// Position::parse, ExpectedVersion::parse, parse_time and Uuid::parse. The first byte picks the
// parser; the rest is the text.
// Checks: each parsed value prints to a form that parses back to the same value (for times, all
// of years 0000-9999, the range the text form covers); a UUID prints as the lower-case input.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "es/core/position.h"
#include "es/core/time.h"
#include "es/core/uuid.h"
#include "es/store/expected_version.h"

namespace {

void check_position(std::string_view text) {
  auto parsed = es::Position::parse(text);
  if (!parsed) return;
  auto again = es::Position::parse(parsed->to_string());
  FUZZ_CHECK(again && *again == *parsed);
}

void check_expected_version(std::string_view text) {
  auto parsed = es::ExpectedVersion::parse(text);
  if (!parsed) return;
  FUZZ_CHECK(parsed->version() >= -1);
  auto again = es::ExpectedVersion::parse(parsed->to_string());
  FUZZ_CHECK(again && *again == *parsed);
}

void check_time(std::string_view text) {
  auto parsed = es::parse_time(text);
  if (!parsed) return;
  using std::chrono::sys_days;
  const es::Timestamp first = sys_days(std::chrono::year(0) / 1 / 1);
  const es::Timestamp end = sys_days(std::chrono::year(10000) / 1 / 1);
  if (*parsed < first || *parsed >= end) return;
  const std::string formatted = es::format_time(*parsed);
  FUZZ_CHECK(formatted.size() == 27);
  auto again = es::parse_time(formatted);
  FUZZ_CHECK(again && *again == *parsed);
}

void check_uuid(std::string_view text) {
  auto parsed = es::Uuid::parse(text);
  if (!parsed) return;
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  FUZZ_CHECK(parsed->to_string() == lower);
  auto again = es::Uuid::parse(parsed->to_string());
  FUZZ_CHECK(again && *again == *parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  switch (bytes[0] % 4) {
    case 0:
      check_position(text);
      break;
    case 1:
      check_expected_version(text);
      break;
    case 2:
      check_time(text);
      break;
    default:
      check_uuid(text);
  }
  return 0;
}
