// The PostgreSQL backend: several processes on several machines append to one database, and
// every reader of the global feed sees one gap-free order (docs/storage-postgres.md).
//
// Each row stores the id of the transaction that wrote it (xid8) and a sequence value; the
// position is that pair. Readers of the global feed only see rows of transactions older than
// every transaction still running (the snapshot's xmin), so a subscriber never skips an event
// that commits after a later one. Appends from all threads of one store go through one write
// connection that coalesces concurrent appends into one transaction (group commit, each append in
// its own SAVEPOINT); reads use a pool of connections. An append returns once its events are
// visible in the global feed (see visibility_wait_ms), so a caller reads its own writes.
//
// Thread safety: fully thread-safe.
//
//   es::PostgresOptions options;
//   options.schema = "orders";   // one store per schema
//   auto store = es::open_postgres("postgresql://app@127.0.0.1:5432/app", options);
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "es/core/limits.h"
#include "es/core/result.h"
#include "es/store/event_store.h"

namespace es {

struct PostgresOptions {
  // The schema that holds the store's tables, created if absent: [a-z_][a-z0-9_]*, at most 63
  // bytes. Default "public".
  std::string schema = "public";
  // Most read connections open at once; a read waits for a free one beyond that. Default 8.
  // Above 1, the store keeps one more connection for reading long streams ahead (a stream read
  // of 2,048 versions or more streams every other chunk on it while it is free).
  std::size_t max_read_connections = 8;
  // Most appends coalesced into one group-commit transaction. Default 1024.
  std::size_t max_group_size = 1024;
  // How long a group's leader waits for as many appends as the previous group held, so writers
  // that each wait for their result still share commits. A lone writer never waits. Default 200.
  int group_commit_wait_us = 200;
  // How long an append waits, after its commit, for its events to become visible in the global
  // feed (that is, for every older transaction to end). It returns success after that time
  // anyway: the events are durable and show up once those transactions end. 0 returns at
  // commit. Default 10,000 ms.
  int visibility_wait_ms = 10'000;
  // Size rules of appends.
  Limits limits;
};

// Opens the store in `conninfo` (a libpq connection string or a postgresql:// URL), creating or
// migrating its schema under an advisory lock, so concurrent openers migrate once. Fails with
// kUnavailable when the server cannot be reached and kInvalidArgument for a bad schema name or a
// schema of a newer version than this build understands.
Result<std::unique_ptr<EventStore>> open_postgres(const std::string& conninfo,
                                                  const PostgresOptions& options = {});

}  // namespace es
