// GroupCommit: coalesces concurrent writes into one database transaction, so one fsync serves
// many callers (DESIGN §5). Leader/follower: a caller that finds no transaction in progress leads
// one for everything queued so far; the others wait and are woken with their own result. A lone
// writer never hands off to another thread. Each waiter sleeps on its own condition variable and
// is woken only when its result is in, or when it is first in the queue and the leader is done,
// and the leader wakes them after it released the mutex: waking every waiter, or waking them
// under the mutex, makes them fight for it, most only to sleep again.
//
// Writers that append one after another (each waiting for its result) come back at slightly
// different times after a commit; a leader that took only the first would alternate groups of 1
// and n-1. So a leader whose queue is shorter than the previous group waits up to `gather_wait`
// (a fraction of one fsync) for that many jobs. A lone writer's previous group is 1: it never
// waits. Nor does a run_each() caller with several jobs: it brought its group along.
//
// Each job runs inside its own savepoint, so a job that fails (a conflict, say) is rolled back
// alone while the others of the group commit. If the commit itself fails, every job of the group
// gets that failure. So does every job of a group whose transaction ends under it: a database
// aborts the whole transaction on an I/O error, a full disk or no memory, and a savepoint that
// cannot be rolled back or released leaves work that must not commit. Then the jobs not yet run
// do not run (their own SAVEPOINT would open, and their RELEASE commit, a transaction of their
// own), and each job is told that nothing of its group was committed. A job that throws fails
// with kInternal, and its group as above: it may have left its writer's state half-changed.
//
// run_each() queues several jobs at once, each in its own savepoint as if each came from a thread
// of its own, and returns when all have ended: a caller with many independent writes at hand
// (a server's event loop) shares commits without a thread per write.
//
// Thread safety: run() and run_each() may be called from any number of threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

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
  virtual Status rollback_to_savepoint() = 0;
  virtual Status release_savepoint() = 0;
  // False once the database ended the transaction begun by begin() on its own.
  virtual bool in_transaction() = 0;
};

class GroupCommit {
 public:
  // A unit of work run inside the transaction; its effects are kept only if it returns ok.
  using Job = std::function<Status()>;

  GroupCommit(WriteTransaction& txn, std::size_t max_group_size,
              std::chrono::microseconds gather_wait = std::chrono::microseconds(200))
      : txn_(txn),
        max_group_size_(max_group_size == 0 ? 1 : max_group_size),
        gather_wait_(gather_wait) {}

  // Runs `job` in the next group transaction and returns once that transaction has ended: ok
  // means the job's effects are durable.
  Status run(const Job& job);
  // Runs each of `jobs` as run() would, in order, and returns once every one has ended: one
  // status per job.
  std::vector<Status> run_each(std::span<const Job> jobs);

 private:
  struct Pending {
    const Job* job = nullptr;
    Status status = Status::ok();
    bool done = false;
    std::condition_variable wake;  // done, or first in the queue with no leader
  };

  // Shared by the waiter and the queue, so the leader can notify after unlocking.
  using PendingPtr = std::shared_ptr<Pending>;

  // Leads one group: gathers (when `gather`), commits, and wakes the group's members and the next
  // leader. Called and returns with `lock` held.
  void lead(std::unique_lock<std::mutex>& lock, const Pending& self, bool gather);
  void commit_group(std::vector<PendingPtr>& group);
  // Runs one job of a group (in its savepoint when `isolate`): the job's status, or an error of
  // the savepoint's own that leaves the transaction unfit to commit (`fatal`).
  Status run_job(const Job& job, bool isolate, Status& fatal);

  WriteTransaction& txn_;
  const std::size_t max_group_size_;
  const std::chrono::microseconds gather_wait_;
  std::mutex mutex_;
  std::condition_variable arrived_;  // the queue reached gather_target_
  std::size_t gather_target_ = 0;    // the queue length a gathering leader waits for; 0: none
  std::deque<PendingPtr> queue_;
  bool leading_ = false;
  std::size_t last_group_size_ = 1;
};

}  // namespace es::detail
