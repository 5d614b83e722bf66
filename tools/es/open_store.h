// Opening the store named by --db for one command.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "command.h"
#include "es/core/result.h"
#include "es/store/event_store.h"
#include "es/store/open.h"

namespace es::cli {

enum class Access : std::uint8_t {
  kRead,   // a missing SQLite file is kNotFound: reading never creates a database
  kWrite,  // a missing SQLite file is created
};

// The store of --db (a URL as es::open takes it), scoped to --tenant when one is given.
Result<std::unique_ptr<EventStore>> open_store(const GlobalOptions& global, Access access,
                                               const OpenOptions& options = {});

// For a command that has no tenant-scoped form: its usage error when --tenant is given, else 0.
int refuse_tenant(const GlobalOptions& global, std::string_view command);

// The SQLite file `url` names (a path or sqlite:PATH), or empty for another backend (memory:).
std::string sqlite_file(std::string_view url);

}  // namespace es::cli
