#include "open_store.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "es/store/tenant_store.h"
#include "exit_code.h"

namespace es::cli {

std::string sqlite_file(std::string_view url) {
  std::string_view path = url;
  if (path.starts_with("sqlite:")) path.remove_prefix(7);
  const bool is_file = url != "memory:" && !path.empty() && path.find("://") == path.npos;
  return is_file ? std::string(path) : std::string();
}

Result<std::unique_ptr<EventStore>> open_store(const GlobalOptions& global, Access access,
                                               const OpenOptions& options) {
  const std::string path = sqlite_file(global.db);
  std::error_code ec;
  if (access == Access::kRead && !path.empty() && !std::filesystem::exists(path, ec)) {
    return Status::not_found(fmt::format("database '{}' does not exist", path));
  }
  auto store = open(global.db, options);
  if (!store || global.tenant.empty()) return store;
  return scope_to_tenant(std::move(*store), global.tenant);
}

int refuse_tenant(const GlobalOptions& global, std::string_view command) {
  if (global.tenant.empty()) return 0;
  return usage_error(fmt::format("{} works on the whole store: run it without --tenant", command));
}

}  // namespace es::cli
