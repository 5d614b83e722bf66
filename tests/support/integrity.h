// What the tamper tests compare: a verify report's problems as "stream/version/kind" strings,
// in report order, so a test states the whole expected report in one line.
#pragma once

#include <string>
#include <vector>

#include "es/store/verify.h"

namespace es::testing {

std::vector<std::string> problems_of(const VerifyReport& report);

}  // namespace es::testing
