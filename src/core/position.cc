#include "es/core/position.h"

#include <charconv>

namespace es {
namespace {

bool parse_part(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

Result<Position> Position::parse(std::string_view text) {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  const auto colon = text.find(':');
  const bool ok = colon == std::string_view::npos ? parse_part(text, minor)
                                                  : parse_part(text.substr(0, colon), major) &&
                                                        parse_part(text.substr(colon + 1), minor);
  if (!ok) {
    return Status::invalid_argument("position '" + std::string(text) +
                                    "' is not a position (expected N or M:N)");
  }
  return Position(major, minor);
}

std::string Position::to_string() const {
  if (major_ == 0) return std::to_string(minor_);
  return std::to_string(major_) + ":" + std::to_string(minor_);
}

}  // namespace es
