#include "es/bus/consumer.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "bus/backoff.h"
#include "bus/inbox.h"

namespace es {

class Consumer::Impl {
 public:
  Impl(Receiver& receiver, EventStore& inbox, ConsumerOptions options)
      : receiver_(receiver),
        inbox_(inbox),
        options_(std::move(options)),
        backoff_(options_.initial_backoff, options_.max_backoff) {}

  void start() {
    thread_ = std::jthread([this] { run(); });
  }

  Status stop() {
    backoff_.stop();
    {
      std::lock_guard lock(join_mutex_);
      if (thread_.joinable()) thread_.join();
    }
    return status();
  }

  bool wait_for_stored(std::uint64_t stored, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return progress_.stored >= stored || !running_; });
    return progress_.stored >= stored;
  }
  bool running() const {
    std::lock_guard lock(mutex_);
    return running_;
  }
  Status status() const {
    std::lock_guard lock(mutex_);
    return status_;
  }
  ConsumerProgress progress() const {
    std::lock_guard lock(mutex_);
    return progress_;
  }

 private:
  void run() {
    Status status;
    try {
      status = loop();
    } catch (const std::exception& e) {
      status = Status::internal(std::string("consumer callback threw: ") + e.what());
    }
    {
      std::lock_guard lock(mutex_);
      status_ = std::move(status);
      running_ = false;
    }
    changed_.notify_all();
  }

  Status loop() {
    std::vector<RecordedEvent> fresh;
    while (!backoff_.stopped()) {
      auto fetched = receiver_.fetch(options_.batch_size, options_.fetch_wait);
      if (!fetched) {
        ES_RETURN_IF_ERROR(wait_after(fetched.error()));
        continue;
      }
      if (fetched->empty()) continue;
      // A busy or unreachable inbox is waited out with the batch in hand (storing is
      // idempotent): the bus has it still, unacknowledged, either way.
      for (Status stored = inbox_.store(*fetched, fresh); !stored.is_ok();
           stored = inbox_.store(*fetched, fresh)) {
        ES_RETURN_IF_ERROR(wait_after(stored));
        if (backoff_.stopped()) return Status::ok();
      }
      // The inbox holds them now: a failed acknowledgement only means they come again, as copies.
      Status acked = receiver_.ack();
      {
        std::lock_guard lock(mutex_);
        progress_.received += fetched->size();
        progress_.stored += fresh.size();
        progress_.duplicates += fetched->size() - fresh.size();
      }
      changed_.notify_all();
      if (!fresh.empty() && options_.on_stored) options_.on_stored(fresh);
      if (!acked.is_ok()) {
        ES_RETURN_IF_ERROR(wait_after(acked));
      } else {
        backoff_.reset();
      }
    }
    return Status::ok();
  }

  // kUnavailable: counted, then a backoff pause; anything else stops the consumer.
  Status wait_after(const Status& error) {
    if (error.code() != StatusCode::kUnavailable) return error;
    {
      std::lock_guard lock(mutex_);
      ++progress_.retries;
      progress_.last_error = error.to_string();
    }
    (void)backoff_.pause();
    return Status::ok();
  }

  Receiver& receiver_;
  detail::Inbox inbox_;
  const ConsumerOptions options_;
  detail::Backoff backoff_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  ConsumerProgress progress_;
  Status status_;
  bool running_ = true;

  std::mutex join_mutex_;
  std::jthread thread_;  // last: joined before the members it uses are destroyed
};

Result<Consumer> Consumer::start(Receiver& receiver, EventStore& inbox, ConsumerOptions options) {
  if (options.batch_size == 0) return Status::invalid_argument("batch_size must be at least 1");
  if (options.initial_backoff.count() <= 0 || options.max_backoff < options.initial_backoff) {
    return Status::invalid_argument("consumer backoff: need 0 < initial_backoff <= max_backoff");
  }
  auto impl = std::make_unique<Impl>(receiver, inbox, std::move(options));
  impl->start();
  return Consumer(std::move(impl));
}

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Consumer::Consumer(Consumer&&) noexcept = default;
Consumer& Consumer::operator=(Consumer&& other) noexcept {
  if (this != &other) {
    if (impl_) (void)impl_->stop();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
Consumer::~Consumer() {
  if (impl_) (void)impl_->stop();
}

Status Consumer::stop() { return impl_->stop(); }
bool Consumer::wait_for_stored(std::uint64_t stored, std::chrono::milliseconds timeout) {
  return impl_->wait_for_stored(stored, timeout);
}
bool Consumer::running() const { return impl_->running(); }
Status Consumer::status() const { return impl_->status(); }
ConsumerProgress Consumer::progress() const { return impl_->progress(); }

}  // namespace es
