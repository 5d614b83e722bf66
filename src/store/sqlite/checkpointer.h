// Checkpointer: copies the WAL's pages into the database file on a thread of its own, so a commit
// does not stop for a checkpoint (docs/storage-sqlite.md, "Checkpoints").
//
// SQLite's default runs a checkpoint inside the commit that takes the WAL past 1,000 pages: that
// commit, and every append queued behind it, waits for ~4 MB of page writes and an fsync of the
// database file. Attached to the writer's connection, the checkpointer replaces that: past
// kBackgroundPages written since the last one, its thread runs a PASSIVE checkpoint on its own
// connection, which never waits for the writer or a reader. The writer restarts the WAL from its
// start only when a checkpoint has copied all of it, which under writes that never pause a
// background one may not reach; so past SqliteOptions::wal_restart_pages the writer's own commit
// finishes the copy (only what the thread has not yet copied), as SQLite would have, and the WAL
// stays bounded. That costs the commit a few fsyncs whatever is left to copy, so it happens
// rarely (the default is a WAL of 62.5 MiB), and only once the thread, woken by every commit past
// the mark, has all but kCaughtUpPages copied; at twice the mark, whatever is left.
//
// Thread safety: the hook runs on the writer's thread; the checkpoint thread uses only its own
// connection.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "es/store/sqlite_store.h"
#include "store/sqlite/connection.h"

namespace es::sqlite {

class Checkpointer {
 public:
  // Pages written since the thread's last checkpoint that start its next one. Each checkpoint
  // copies a page once however often the WAL holds it, and ends with an fsync of the database
  // file that the WAL's fsyncs queue behind; 8,000 (31 MiB) gave more HTTP appends per second
  // than SQLite's 1,000 under appends to many streams (docs/benchmarks.md, 2026-12-07).
  static constexpr int kBackgroundPages = 8000;
  // Pages left to copy that the writer's commit copies itself once the WAL is past the mark.
  static constexpr int kCaughtUpPages = 256;

  // Opens the checkpoint connection to the store at `path` and starts the thread.
  static Result<std::unique_ptr<Checkpointer>> open(const std::string& path,
                                                    const SqliteOptions& options);
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  // Stops the thread once a checkpoint in progress has ended.
  ~Checkpointer();

  // Makes this the WAL hook of `writer` (a connection to the same file), which turns off SQLite's
  // automatic checkpoints on it. `writer` must be closed before this checkpointer is destroyed.
  void attach(sqlite3* writer);

 private:
  Checkpointer(Connection conn, int restart_pages)
      : conn_(std::move(conn)), restart_pages_(std::max(restart_pages, 1)) {}
  static int on_commit(void* self, sqlite3* db, const char* schema, int pages);
  void run();

  Connection conn_;
  const int restart_pages_;  // SqliteOptions::wal_restart_pages
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<int> copied_ = 0;  // WAL pages the last checkpoint of the thread had copied
  bool due_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace es::sqlite
