#include "projection/subscription_name.h"

#include <cstddef>
#include <string>

namespace es::detail {

Status validate_subscription_name(std::string_view name, std::string_view what) {
  constexpr std::size_t kMaxNameBytes = 256;
  if (name.empty() || name.size() > kMaxNameBytes) {
    return Status::invalid_argument(std::string(what) + " must be 1-256 bytes");
  }
  return Status::ok();
}

}  // namespace es::detail
