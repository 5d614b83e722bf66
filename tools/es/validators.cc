#include "validators.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

namespace es::cli {

CLI::Validator at_least(std::int64_t min) {
  return CLI::Validator(
      [min](std::string& input) -> std::string {
        std::int64_t value = 0;
        const char* end = input.data() + input.size();
        const auto [ptr, ec] = std::from_chars(input.data(), end, value);
        if (ec != std::errc() || ptr != end || value < min) {
          return fmt::format("'{}' is not an integer >= {}", input, min);
        }
        return {};
      },
      fmt::format("INT>={}", min));
}

CLI::Validator positive_number() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        double value = 0;
        const char* end = input.data() + input.size();
        const auto [ptr, ec] = std::from_chars(input.data(), end, value);
        if (ec != std::errc() || ptr != end || !(value > 0)) {
          return fmt::format("'{}' is not a number > 0", input);
        }
        return {};
      },
      "NUMBER>0");
}

}  // namespace es::cli
