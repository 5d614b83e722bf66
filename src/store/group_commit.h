// GroupCommit: coalesces concurrent writes into one database transaction, so one fsync serves
// many callers (DESIGN §5). Leader/follower: a caller that finds no transaction in progress leads
// one for everything queued so far; the others wait and are woken with their own result. A lone
// writer never hands off to another thread.
//
// Each job runs inside its own savepoint, so a job that fails (a conflict, say) is rolled back
// alone while the others of the group commit. If the commit itself fails, every job of the group
// gets that failure.
//
// Thread safety: run() may be called from any number of threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include "es/core/status.h"

namespace es::detail {

// The transaction primitives of one backend's write connection; called by one leader at a time.
class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;
  virtual Status savepoint() = 0;
  virtual void rollback_to_savepoint() = 0;
  virtual void release_savepoint() = 0;
};

class GroupCommit {
 public:
  // A unit of work run inside the transaction; its effects are kept only if it returns ok.
  using Job = std::function<Status()>;

  GroupCommit(WriteTransaction& txn, std::size_t max_group_size)
      : txn_(txn), max_group_size_(max_group_size == 0 ? 1 : max_group_size) {}

  // Runs `job` in the next group transaction and returns once that transaction has ended: ok
  // means the job's effects are durable.
  Status run(const Job& job);

 private:
  struct Pending {
    const Job* job;
    Status status;
    bool done = false;
  };

  void commit_group(std::deque<Pending*>& group);

  WriteTransaction& txn_;
  const std::size_t max_group_size_;
  std::mutex mutex_;
  std::condition_variable done_;
  std::deque<Pending*> queue_;
  bool leading_ = false;
};

}  // namespace es::detail
