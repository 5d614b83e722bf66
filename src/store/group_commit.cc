#include "store/group_commit.h"

#include <algorithm>

namespace es::detail {

Status GroupCommit::run(const Job& job) {
  Pending pending{&job, Status::ok()};
  std::unique_lock lock(mutex_);
  queue_.push_back(&pending);
  arrived_.notify_one();
  while (!pending.done) {
    if (leading_) {
      done_.wait(lock);
      continue;
    }
    leading_ = true;
    const std::size_t want = std::min(last_group_size_, max_group_size_);
    if (queue_.size() < want) {
      arrived_.wait_for(lock, gather_wait_, [&] { return queue_.size() >= want; });
    }
    std::deque<Pending*> group;
    while (!queue_.empty() && group.size() < max_group_size_) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
    last_group_size_ = group.size();
    lock.unlock();
    commit_group(group);
    lock.lock();
    for (Pending* p : group) p->done = true;
    leading_ = false;
    done_.notify_all();
  }
  return std::move(pending.status);
}

void GroupCommit::commit_group(std::deque<Pending*>& group) {
  Status begun = txn_.begin();
  if (!begun.is_ok()) {
    for (Pending* p : group) p->status = begun;
    return;
  }
  // A lone job needs no savepoint: on failure the whole transaction rolls back.
  const bool isolate = group.size() > 1;
  bool any_ok = false;
  for (Pending* p : group) {
    if (isolate) {
      p->status = txn_.savepoint();
      if (!p->status.is_ok()) continue;
    }
    p->status = (*p->job)();
    if (isolate) {
      if (!p->status.is_ok()) txn_.rollback_to_savepoint();
      txn_.release_savepoint();
    }
    any_ok = any_ok || p->status.is_ok();
  }
  if (!any_ok) {
    txn_.rollback();
    return;
  }
  Status committed = txn_.commit();
  if (committed.is_ok()) return;
  txn_.rollback();
  for (Pending* p : group) {
    if (p->status.is_ok()) p->status = committed;
  }
}

}  // namespace es::detail
