// Direct access to a store file through the SQLite C API, for checks the store's API does not
// offer (PRAGMA integrity_check) and for crafting files that are not stores.
#pragma once

#include <string>
#include <vector>

namespace es::testing {

// Runs `sql` on the database at `path`; returns every value of the first column, or throws.
std::vector<std::string> sqlite_query(const std::string& path, const std::string& sql);

// The result of PRAGMA integrity_check: "ok" for a sound file.
std::string integrity_check(const std::string& path);

}  // namespace es::testing
