#include "open_store.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

namespace es::cli {

Result<std::unique_ptr<EventStore>> open_store(std::string_view url, Access access,
                                               const OpenOptions& options) {
  std::string_view path = url;
  if (path.starts_with("sqlite:")) path.remove_prefix(7);
  const bool is_file = url != "memory:" && !path.empty() && path.find("://") == path.npos;
  std::error_code ec;
  if (access == Access::kRead && is_file && !std::filesystem::exists(path, ec)) {
    return Status::not_found(fmt::format("database '{}' does not exist", path));
  }
  return open(url, options);
}

}  // namespace es::cli
