// The postgres backend's schema (docs/storage-postgres.md) and its versioned migrations, run under
// a transaction-scoped advisory lock so that concurrent openers of one schema migrate it once.
#pragma once

#include <string>
#include <string_view>

#include "es/core/status.h"
#include "store/postgres/connection.h"

namespace es::postgres {

// The schema version this build writes; a store of a newer version is refused.
inline constexpr int kSchemaVersion = 4;

// kInvalidArgument unless `schema` is [a-z_][a-z0-9_]* of at most 63 bytes.
Status validate_schema_name(std::string_view schema);

// Creates the schema if absent and brings it to kSchemaVersion.
Status migrate(Connection& conn, std::string_view schema);

}  // namespace es::postgres
