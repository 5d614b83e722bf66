#include "open_store.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

namespace es::cli {

std::string sqlite_file(std::string_view url) {
  std::string_view path = url;
  if (path.starts_with("sqlite:")) path.remove_prefix(7);
  const bool is_file = url != "memory:" && !path.empty() && path.find("://") == path.npos;
  return is_file ? std::string(path) : std::string();
}

Result<std::unique_ptr<EventStore>> open_store(std::string_view url, Access access,
                                               const OpenOptions& options) {
  const std::string path = sqlite_file(url);
  std::error_code ec;
  if (access == Access::kRead && !path.empty() && !std::filesystem::exists(path, ec)) {
    return Status::not_found(fmt::format("database '{}' does not exist", path));
  }
  return open(url, options);
}

}  // namespace es::cli
