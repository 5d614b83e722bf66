// The SQLite backend, the embedded default: one file (plus its -wal and -shm), no server.
//
// Durability: WAL with synchronous=FULL by default, so an append that returned success survives
// kill -9 and power loss. Appends from all threads go through one writer that coalesces whatever
// is queued into one transaction (group commit: each append in its own SAVEPOINT, so a conflict
// fails only its caller). Reads use their own connections and never block the writer. Several
// processes may open the same file; they take turns on SQLite's write lock. The file format is
// documented in docs/storage-sqlite.md.
//
// Thread safety: fully thread-safe.
//
//   es::SqliteOptions options;
//   options.synchronous = es::SqliteOptions::Synchronous::kNormal;   // trade durability for speed
//   auto store = es::open_sqlite("events.db", options);
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "es/core/limits.h"
#include "es/core/result.h"
#include "es/store/event_store.h"

namespace es {

struct SqliteOptions {
  // PRAGMA synchronous. kFull (default): every commit is fsynced. kNormal: a crash of the
  // machine (not of the process) may lose the newest commits. kOff: no fsync at all.
  enum class Synchronous : std::uint8_t { kOff, kNormal, kFull };
  Synchronous synchronous = Synchronous::kFull;
  // How long a write waits for another process's write lock before failing with kUnavailable.
  int busy_timeout_ms = 10'000;
  // Page cache per connection, in KiB. Default 64 MiB.
  std::int64_t cache_size_kib = std::int64_t{64} * 1024;
  // Most appends coalesced into one group-commit transaction. Default 1024.
  std::size_t max_group_size = 1024;
  // How long a group's leader waits for as many appends as the previous group held, so writers
  // that each wait for their result still share fsyncs. A lone writer never waits. Default 200 µs.
  int group_commit_wait_us = 200;
  // WAL size, in pages, past which the writer's own commit finishes the checkpoint thread's copy
  // so that the WAL can restart from its start (docs/storage-sqlite.md, "Checkpoints"): once the
  // thread has all but 256 pages copied, or at twice this size regardless. Each time costs that
  // commit a few fsyncs, and every append queued behind it waits; a larger WAL makes it rarer.
  // Default 16,000 (62.5 MiB of 4 KiB pages; about twice a second at 20,000 single-event appends
  // per second to 1,000 streams). Larger made single appends slower here: a commit that extends
  // the WAL file costs more than one that overwrites it, and the WAL is new after each open.
  int wal_restart_pages = 16'000;
  // Size rules of appends.
  Limits limits;
};

// Opens (creating if needed) the store at `path` and migrates its schema to the current version.
// Fails with kInvalidArgument for a file that is not an eventsource-cpp store and kUnavailable
// when the file cannot be opened.
Result<std::unique_ptr<EventStore>> open_sqlite(const std::string& path,
                                                const SqliteOptions& options = {});

}  // namespace es
