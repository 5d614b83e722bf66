#include "exit_code.h"

#include <fmt/format.h>

#include <cstdio>
#include <string>

namespace es::cli {

ExitCode exit_code_for(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return ExitCode::kOk;
    case StatusCode::kConflict:
      return ExitCode::kConflict;
    case StatusCode::kNotFound:
      return ExitCode::kNotFound;
    case StatusCode::kIntegrity:
      return ExitCode::kIntegrity;
    // A tombstoned stream is not "not found": it can never be created again, so scripts that
    // create on 4 must not see it.
    case StatusCode::kStreamDeleted:
    case StatusCode::kInvalidArgument:
    case StatusCode::kAlreadyExists:
    case StatusCode::kPermissionDenied:
    case StatusCode::kRejected:
    case StatusCode::kUnavailable:
    case StatusCode::kInternal:
      return ExitCode::kError;
  }
  return ExitCode::kError;
}

namespace {

// Keeps the report on one line whatever the message quotes (a bad type name may hold a newline).
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

int report(const Status& status) {
  if (!status.is_ok()) fmt::print(stderr, "es: {}\n", one_line(status.to_string()));
  return static_cast<int>(exit_code_for(status.code()));
}

int usage_error(std::string_view message) {
  fmt::print(stderr, "es: usage: {}\n", one_line(message));
  return static_cast<int>(ExitCode::kUsage);
}

}  // namespace es::cli
