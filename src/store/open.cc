#include "es/store/open.h"

#include <string>

#include "es/store/memory_store.h"
#include "es/store/snapshot_store.h"

namespace es {

namespace {

// The SQLite file a URL names; kInvalidArgument for anything that is not a file path.
Result<std::string> sqlite_path(std::string_view url) {
  std::string_view path = url;
  if (path.starts_with("sqlite:")) path.remove_prefix(7);
  if (path.empty() || path.find("://") != std::string_view::npos) {
    return Status::invalid_argument(
        "database URL '" + std::string(url) +
        "' is not a file path, sqlite:PATH, postgresql://... or memory:");
  }
  return std::string(path);
}

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

}  // namespace

Result<std::unique_ptr<EventStore>> open(std::string_view url, const OpenOptions& options) {
  if (url == "memory:") return make_memory_store(options.limits);
  if (is_postgres_url(url)) {
    PostgresOptions postgres = options.postgres;
    postgres.limits = options.limits;
    return open_postgres(std::string(url), postgres);
  }
  auto path = sqlite_path(url);
  if (!path) return path.error();
  SqliteOptions sqlite = options.sqlite;
  sqlite.limits = options.limits;
  return open_sqlite(*path, sqlite);
}

Result<std::unique_ptr<SnapshotStore>> open_snapshot_store(std::string_view url,
                                                           const OpenOptions& options) {
  if (url == "memory:") return make_memory_snapshot_store();
  if (is_postgres_url(url)) return open_postgres_snapshot_store(std::string(url), options.postgres);
  auto path = sqlite_path(url);
  if (!path) return path.error();
  return open_sqlite_snapshot_store(*path, options.sqlite);
}

}  // namespace es
