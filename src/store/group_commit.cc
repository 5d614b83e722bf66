#include "store/group_commit.h"

#include <algorithm>
#include <exception>
#include <string>

namespace es::detail {

Status GroupCommit::run(const Job& job) { return std::move(run_each({&job, 1}).front()); }

std::vector<Status> GroupCommit::run_each(std::span<const Job> jobs) {
  std::vector<PendingPtr> mine;
  mine.reserve(jobs.size());
  for (const Job& job : jobs) {
    mine.push_back(std::make_shared<Pending>());
    mine.back()->job = &job;
  }
  std::unique_lock lock(mutex_);
  queue_.insert(queue_.end(), mine.begin(), mine.end());
  // Only the arrivals that complete a gathering leader's group wake it.
  if (gather_target_ != 0 && queue_.size() >= gather_target_ &&
      queue_.size() - mine.size() < gather_target_) {
    arrived_.notify_one();
  }
  // The jobs are queued in order, so the first one not done is in the running group or first in
  // the queue: it is the one to wait for, or to lead.
  for (const PendingPtr& pending : mine) {
    while (!pending->done) {
      if (leading_) {
        pending->wake.wait(lock);
      } else {
        lead(lock, *pending, /*gather=*/jobs.size() == 1);
      }
    }
  }
  lock.unlock();
  std::vector<Status> statuses;
  statuses.reserve(mine.size());
  for (const PendingPtr& pending : mine) statuses.push_back(std::move(pending->status));
  return statuses;
}

void GroupCommit::lead(std::unique_lock<std::mutex>& lock, const Pending& self, bool gather) {
  leading_ = true;
  const std::size_t want = std::min(last_group_size_, max_group_size_);
  if (gather && queue_.size() < want) {
    gather_target_ = want;
    arrived_.wait_for(lock, gather_wait_, [&] { return queue_.size() >= want; });
    gather_target_ = 0;
  }
  std::vector<PendingPtr> group;
  group.reserve(std::min(queue_.size(), max_group_size_));
  while (!queue_.empty() && group.size() < max_group_size_) {
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (gather) last_group_size_ = group.size();  // what callers one job at a time achieved
  lock.unlock();
  try {
    commit_group(group);
  } catch (...) {  // out of memory in the transaction's own steps: no waiter may hang
    txn_.rollback();
    for (const PendingPtr& p : group)
      p->status = Status::internal("commit failed with an exception");
  }
  lock.lock();
  leading_ = false;
  for (const PendingPtr& p : group) p->done = true;
  // A leader whose own job did not fit in the group leads again; otherwise the first waiter does.
  PendingPtr next = self.done && !queue_.empty() ? queue_.front() : nullptr;
  lock.unlock();
  // The next leader first: its group's commit need not wait for this group's wake-ups.
  if (next) next->wake.notify_one();
  for (const PendingPtr& p : group) {
    if (p.get() != &self) p->wake.notify_one();
  }
  lock.lock();
}

Status GroupCommit::run_job(const Job& job, bool isolate, Status& fatal) {
  if (isolate) {
    fatal = txn_.savepoint();
    if (!fatal.is_ok()) return fatal;
  }
  Status status;
  try {
    status = job();
  } catch (const std::exception& e) {
    // A job that threw may have left its writer's state half-changed: nothing more runs in
    // this transaction.
    fatal = status = Status::internal(std::string("append failed with an exception: ") + e.what());
    return status;
  } catch (...) {
    fatal = status = Status::internal("append failed with an exception");
    return status;
  }
  if (isolate) {
    if (!status.is_ok()) fatal = txn_.rollback_to_savepoint();
    if (fatal.is_ok()) fatal = txn_.release_savepoint();
  }
  if (fatal.is_ok() && !txn_.in_transaction()) {
    fatal = status.is_ok() ? Status::unavailable("the transaction ended during an append") : status;
  }
  return status;
}

void GroupCommit::commit_group(std::vector<PendingPtr>& group) {
  Status begun = txn_.begin();
  if (!begun.is_ok()) {
    txn_.rollback();  // a begin that failed halfway may have left the transaction open
    for (const PendingPtr& p : group) p->status = begun;
    return;
  }
  // A lone job needs no savepoint: on failure the whole transaction rolls back.
  const bool isolate = group.size() > 1;
  bool any_ok = false;
  Status fatal;
  for (const PendingPtr& p : group) {
    p->status = run_job(*p->job, isolate, fatal);
    if (!fatal.is_ok()) break;
    any_ok = any_ok || p->status.is_ok();
  }
  if (!fatal.is_ok()) {
    txn_.rollback();
    const Status lost = Status::unavailable(
        "nothing of this append's commit group was committed: " + fatal.to_string());
    // The jobs that failed keep their own error; the others, run or not, were not committed.
    for (const PendingPtr& p : group) {
      if (p->status.is_ok()) p->status = lost;
    }
    return;
  }
  if (!any_ok) {
    txn_.rollback();
    return;
  }
  Status committed = txn_.commit();
  if (committed.is_ok()) return;
  txn_.rollback();
  for (const PendingPtr& p : group) {
    if (p->status.is_ok()) p->status = committed;
  }
}

}  // namespace es::detail
