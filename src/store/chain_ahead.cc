#include "store/chain_ahead.h"

namespace es::detail {

ChainAhead::~ChainAhead() {
  if (!thread_.joinable()) return;
  {
    const std::lock_guard lock(mutex_);
    quit_ = true;
  }
  posted_.notify_one();
  thread_.join();
}

ChainAhead::Run ChainAhead::start(const ChainHash& previous, std::size_t count, FieldsOf fields) {
  return {count >= kMinEvents ? this : nullptr, previous, count, std::move(fields)};
}

ChainAhead::Run::Run(ChainAhead* ahead, const ChainHash& previous, std::size_t count,
                     FieldsOf fields)
    : ahead_(ahead), previous_(previous), fields_(std::move(fields)) {
  if (ahead_ == nullptr) return;
  // The thread is idle (the last Run took its job back), so the job is this thread's to set.
  ahead_->previous_ = previous;
  ahead_->count_ = count;
  ahead_->fields_ = &fields_;
  ahead_->hashes_.resize(count);
  ahead_->ready_.store(0, std::memory_order_relaxed);
  ahead_->cancel_.store(false, std::memory_order_relaxed);
  {
    const std::lock_guard lock(ahead_->mutex_);
    ahead_->state_.store(kPosted, std::memory_order_release);
    if (!ahead_->thread_.joinable()) ahead_->thread_ = std::thread([a = ahead_] { a->loop(); });
  }
  ahead_->posted_.notify_one();
}

ChainAhead::Run::~Run() {
  if (ahead_ != nullptr) ahead_->finish();
}

ChainHash ChainAhead::Run::next() {
  const std::size_t i = next_++;
  if (ahead_ != nullptr && ahead_->ready_.load(std::memory_order_acquire) > i) {
    previous_ = ahead_->hashes_[i];
  } else {
    // The thread is behind (or not awake yet): the same hash, computed here.
    previous_ = chain_hash(previous_, fields_(i));
  }
  return previous_;
}

void ChainAhead::finish() {
  cancel_.store(true, std::memory_order_relaxed);
  int posted = kPosted;
  if (state_.compare_exchange_strong(posted, kIdle, std::memory_order_acq_rel)) return;
  // The thread is hashing: it sees cancel_ after at most one more event.
  while (state_.load(std::memory_order_acquire) != kDone) std::this_thread::yield();
  state_.store(kIdle, std::memory_order_relaxed);
}

void ChainAhead::loop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      posted_.wait(lock,
                   [&] { return quit_ || state_.load(std::memory_order_acquire) == kPosted; });
      if (quit_) return;
    }
    int posted = kPosted;
    // The writer may have taken the job back before this thread woke.
    if (!state_.compare_exchange_strong(posted, kRunning, std::memory_order_acq_rel)) continue;
    ChainHash previous = previous_;
    for (std::size_t i = 0; i < count_ && !cancel_.load(std::memory_order_relaxed); ++i) {
      previous = chain_hash(previous, (*fields_)(i));
      hashes_[i] = previous;
      ready_.store(i + 1, std::memory_order_release);
    }
    state_.store(kDone, std::memory_order_release);
  }
}

}  // namespace es::detail
