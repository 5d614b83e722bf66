// Opening the store named by --db for one command.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "es/core/result.h"
#include "es/store/event_store.h"
#include "es/store/open.h"

namespace es::cli {

enum class Access : std::uint8_t {
  kRead,   // a missing SQLite file is kNotFound: reading never creates a database
  kWrite,  // a missing SQLite file is created
};

// `url` as es::open takes it: a file path, sqlite:PATH or memory:.
Result<std::unique_ptr<EventStore>> open_store(std::string_view url, Access access,
                                               const OpenOptions& options = {});

// The SQLite file `url` names (a path or sqlite:PATH), or empty for another backend (memory:).
std::string sqlite_file(std::string_view url);

}  // namespace es::cli
