#include "store/sqlite/checkpointer.h"

#include "store/sqlite/schema.h"

namespace es::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::open(const std::string& path,
                                                         const SqliteOptions& options) {
  auto conn = Connection::open(path, /*read_only=*/false, options.busy_timeout_ms);
  if (!conn) return conn.error();
  // The connection's synchronous setting decides whether a checkpoint fsyncs the database file.
  ES_RETURN_IF_ERROR(configure_connection(*conn, options));
  std::unique_ptr<Checkpointer> checkpointer(
      new Checkpointer(std::move(*conn), options.wal_restart_pages));
  checkpointer->thread_ = std::thread([self = checkpointer.get()] { self->run(); });
  return checkpointer;
}

Checkpointer::~Checkpointer() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::attach(sqlite3* writer) { sqlite3_wal_hook(writer, &on_commit, this); }

int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int pages) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  const int mark = checkpointer->restart_pages_;
  // Pages written since the thread's last checkpoint; the WAL has restarted when it holds fewer.
  const int copied = checkpointer->copied_.load(std::memory_order_relaxed);
  const int left = pages >= copied ? pages - copied : pages;
  if (pages >= 2 * mark || (pages >= mark && left <= kCaughtUpPages)) {
    // PASSIVE again: it never waits, so while the thread's checkpoint holds SQLite's checkpoint
    // lock this one returns at once and a later commit tries again. Either way the WAL keeps
    // every commit, so a failed checkpoint loses nothing.
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  // Past the mark the thread copies on, so that the writer has little left to copy.
  if (pages < mark && left < kBackgroundPages) return SQLITE_OK;
  {
    const std::lock_guard lock(checkpointer->mutex_);
    if (checkpointer->due_) return SQLITE_OK;
    checkpointer->due_ = true;
  }
  checkpointer->wake_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return due_ || stopping_; });
    if (stopping_) return;
    lock.unlock();
    // Busy (another process's checkpoint runs) or failed: the next commit past the mark asks again.
    int copied = 0;
    if (sqlite3_wal_checkpoint_v2(conn_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                  &copied) == SQLITE_OK) {
      copied_.store(copied, std::memory_order_relaxed);
    }
    lock.lock();
    due_ = false;
  }
}

}  // namespace es::sqlite
