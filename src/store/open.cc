#include "es/store/open.h"

#include <string>

#include "es/store/memory_store.h"

namespace es {

Result<std::unique_ptr<EventStore>> open(std::string_view url, const OpenOptions& options) {
  if (url == "memory:") return make_memory_store(options.limits);
  std::string_view path = url;
  if (path.starts_with("sqlite:")) path.remove_prefix(7);
  if (path.empty() || path.find("://") != std::string_view::npos) {
    return Status::invalid_argument("database URL '" + std::string(url) +
                                    "' is not a file path, sqlite:PATH or memory:");
  }
  SqliteOptions sqlite = options.sqlite;
  sqlite.limits = options.limits;
  return open_sqlite(std::string(path), sqlite);
}

}  // namespace es
