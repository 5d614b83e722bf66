// Exit codes of `es` and the one place that maps a library Status to them (docs/cli.md).
//
//   0 ok   1 error   2 usage   3 conflict   4 not found   5 integrity failure
//
// Every failure is reported as ONE line on stderr: "es: <code name>: <message>".
#pragma once

#include <string_view>

#include "es/core/status.h"

namespace es::cli {

enum class ExitCode : int {
  kOk = 0,
  kError = 1,
  kUsage = 2,
  kConflict = 3,
  kNotFound = 4,
  kIntegrity = 5,
};

ExitCode exit_code_for(StatusCode code);

// Prints "es: <status>" on stderr and returns the exit code for it (0 for an ok status).
int report(const Status& status);

// Prints "es: usage: <message>" on stderr and returns 2.
int usage_error(std::string_view message);

}  // namespace es::cli
