// CLI11 validators with short, plain messages for the options of `es`.
#pragma once

#include <cstdint>

#include <CLI/CLI.hpp>

namespace es::cli {

// An integer of at least `min` ("--limit: '0' is not an integer >= 1").
CLI::Validator at_least(std::int64_t min);

// A number greater than zero ("--scale: '0' is not a number > 0").
CLI::Validator positive_number();

}  // namespace es::cli
