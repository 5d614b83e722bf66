// es::open: a store chosen by URL, the way the CLI's --db picks one.
//
//   "events.db", "./data/x.db"   SQLite file (the embedded default)
//   "sqlite:PATH"                SQLite file
//   "memory:"                    a fresh in-memory store
//   "postgresql://…", "postgres://…"  a PostgreSQL database (a libpq URL; see postgres_store.h)
// Anything else fails with kInvalidArgument naming the URL.
//
// Thread safety: open may be called from any thread; the store it returns is thread-safe.
//
//   auto store = es::open("events.db");
//   if (!store) { std::cerr << store.error().to_string(); return 1; }
//   (*store)->append(...);
#pragma once

#include <memory>
#include <string_view>

#include "es/core/result.h"
#include "es/store/event_store.h"
#include "es/store/postgres_store.h"
#include "es/store/snapshot_store.h"
#include "es/store/sqlite_store.h"

namespace es {

struct OpenOptions {
  // Used for every backend; sqlite.limits is ignored in favour of this.
  Limits limits;
  // Tuning of the SQLite backend.
  SqliteOptions sqlite;
  // Tuning of the PostgreSQL backend; postgres.limits is ignored in favour of `limits`.
  PostgresOptions postgres;
};

Result<std::unique_ptr<EventStore>> open(std::string_view url, const OpenOptions& options = {});

// The snapshot store that goes with the store at `url`: the same SQLite file, or a fresh
// in-memory one for "memory:". PostgreSQL has none yet (kUnavailable).
Result<std::unique_ptr<SnapshotStore>> open_snapshot_store(std::string_view url,
                                                           const OpenOptions& options = {});

}  // namespace es
