#include "es/store/expected_version.h"

#include <charconv>

namespace es {

Result<ExpectedVersion> ExpectedVersion::parse(std::string_view text) {
  if (text == "any") return any();
  if (text == "no-stream") return no_stream();
  if (text == "exists") return stream_exists();
  std::int64_t version = -1;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, version);
  if (text.empty() || ec != std::errc() || ptr != end || version < 0) {
    return Status::invalid_argument("expected version '" + std::string(text) +
                                    "' must be any, no-stream, exists or a version number >= 0");
  }
  return exact(version);
}

std::string ExpectedVersion::to_string() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no-stream";
    case Kind::kStreamExists:
      return "exists";
    case Kind::kExact:
      return std::to_string(version_);
  }
  return "unknown";
}

}  // namespace es
