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

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

namespace {

// Calls the opener of --db's backend: `sqlite(path)` or `postgres(url)`.
template <typename Store, typename Sqlite, typename Postgres>
Result<std::unique_ptr<Store>> open_beside_store(const GlobalOptions& global,
                                                 std::string_view command, Sqlite sqlite,
                                                 Postgres postgres) {
  const std::string path = sqlite_file(global.db);
  if (path.empty() && !is_postgres_url(global.db)) {
    return Status::invalid_argument(fmt::format(
        "{} needs a SQLite store file or a PostgreSQL URL (--db); memory: keeps checkpoints and "
        "dead letters only inside the process that made them",
        command));
  }
  // Opening the store first checks that it exists, as every read command does.
  auto store = open_store(global, Access::kRead);
  if (!store) return store.error();
  return path.empty() ? postgres(global.db) : sqlite(path);
}

}  // namespace

Result<std::unique_ptr<CheckpointStore>> open_checkpoints(const GlobalOptions& global,
                                                          std::string_view command) {
  return open_beside_store<CheckpointStore>(
      global, command, [](const std::string& path) { return open_sqlite_checkpoint_store(path); },
      [](const std::string& url) { return open_postgres_checkpoint_store(url); });
}

Result<std::unique_ptr<DeadLetterStore>> open_dead_letters(const GlobalOptions& global,
                                                           std::string_view command) {
  return open_beside_store<DeadLetterStore>(
      global, command, [](const std::string& path) { return open_sqlite_dead_letter_store(path); },
      [](const std::string& url) { return open_postgres_dead_letter_store(url); });
}

int refuse_tenant(const GlobalOptions& global, std::string_view command) {
  if (global.tenant.empty()) return 0;
  return usage_error(fmt::format("{} works on the whole store: run it without --tenant", command));
}

}  // namespace es::cli
