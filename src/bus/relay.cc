#include "es/bus/relay.h"

#include <fmt/format.h>

#include <mutex>
#include <optional>

#include "bus/backoff.h"
#include "es/projection/subscription.h"

namespace es {

class Relay::Impl {
 public:
  Impl(Publisher& publisher, const RelayOptions& options)
      : publisher_(publisher),
        on_progress_(options.on_progress),
        backoff_(options.initial_backoff, options.max_backoff) {}

  Status start(EventStore& store, const RelayOptions& options) {
    SubscriptionOptions subscription{.name = options.name,
                                     .checkpoints = options.checkpoints,
                                     .page_size = options.page_size,
                                     .stop_at_head = options.stop_at_head};
    auto started = Subscription::start_batched(
        store, std::move(subscription), [this](const Batch& batch) { return publish(batch); });
    if (!started) return started.error();
    subscription_.emplace(std::move(*started));
    return Status::ok();
  }

  Status stop() {
    backoff_.stop();
    (void)subscription_->stop();
    return status();
  }
  bool wait_for(Position position, std::chrono::milliseconds timeout) {
    return subscription_->wait_for(position, timeout);
  }
  bool wait_stopped(std::chrono::milliseconds timeout) {
    return subscription_->wait_stopped(timeout);
  }
  bool running() const { return subscription_->running(); }
  Status status() const {
    Status status = subscription_->status();
    std::lock_guard lock(mutex_);
    return interrupted_ ? Status::ok() : status;
  }

  RelayProgress progress() const {
    const SubscriptionProgress sub = subscription_->progress();
    std::lock_guard lock(mutex_);
    RelayProgress out = progress_;
    out.published = sub.delivered;
    out.head = sub.head;
    out.caught_up = sub.caught_up;
    const std::optional<Timestamp> oldest = waiting_since_ ? waiting_since_ : last_recorded_;
    if ((!sub.caught_up || waiting_since_) && oldest) {
      out.lag = std::max(std::chrono::microseconds(0), now() - *oldest);
    }
    return out;
  }

 private:
  // Publishes the page until the bus acknowledges it; only then does the subscription save the
  // checkpoint past it.
  Status publish(const Batch& batch) {
    if (batch.events.empty()) return Status::ok();
    {
      std::lock_guard lock(mutex_);
      waiting_since_ = batch.events.front().recorded_at;
    }
    for (;;) {
      Status status = publisher_.publish(batch.events);
      if (status.is_ok()) {
        backoff_.reset();
        record([&](RelayProgress& p) { p.events += batch.events.size(); });
        std::lock_guard lock(mutex_);
        last_recorded_ = batch.events.back().recorded_at;
        waiting_since_.reset();
        return Status::ok();
      }
      record([&](RelayProgress& p) {
        p.last_error = status.to_string();
        if (status.code() == StatusCode::kUnavailable) ++p.retries;
      });
      if (status.code() != StatusCode::kUnavailable) return status;
      if (!backoff_.pause()) {
        std::lock_guard lock(mutex_);
        interrupted_ = true;
        return Status::unavailable(
            fmt::format("relay stopped while the bus was away: {}", status.message()));
      }
    }
  }

  template <typename Change>
  void record(Change change) {
    RelayProgress snapshot;
    {
      std::lock_guard lock(mutex_);
      change(progress_);
      snapshot = progress_;
    }
    if (on_progress_) on_progress_(snapshot);
  }

  Publisher& publisher_;
  const std::function<void(const RelayProgress&)> on_progress_;
  detail::Backoff backoff_;
  mutable std::mutex mutex_;
  RelayProgress progress_;  // events, retries, last_error; the rest comes from the subscription
  std::optional<Timestamp> last_recorded_;    // of the newest event published
  std::optional<Timestamp> waiting_since_;    // of the oldest event in a page not yet acknowledged
  bool interrupted_ = false;                  // a stop request cut a backoff short
  std::optional<Subscription> subscription_;  // last: stopped before the members it uses go
};

Result<Relay> Relay::start(EventStore& store, Publisher& publisher, const RelayOptions& options) {
  if (options.name.empty() || options.checkpoints == nullptr) {
    return Status::invalid_argument("a relay needs a name and a checkpoint store");
  }
  if (options.initial_backoff.count() <= 0 || options.max_backoff < options.initial_backoff) {
    return Status::invalid_argument("relay backoff: need 0 < initial_backoff <= max_backoff");
  }
  auto impl = std::make_unique<Impl>(publisher, options);
  ES_RETURN_IF_ERROR(impl->start(store, options));
  return Relay(std::move(impl));
}

Relay::Relay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Relay::Relay(Relay&&) noexcept = default;
Relay& Relay::operator=(Relay&& other) noexcept {
  if (this != &other) {
    if (impl_) (void)impl_->stop();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
Relay::~Relay() {
  if (impl_) (void)impl_->stop();
}

Status Relay::stop() { return impl_->stop(); }
bool Relay::wait_for(Position position, std::chrono::milliseconds timeout) {
  return impl_->wait_for(position, timeout);
}
bool Relay::wait_stopped(std::chrono::milliseconds timeout) { return impl_->wait_stopped(timeout); }
bool Relay::running() const { return impl_->running(); }
Status Relay::status() const { return impl_->status(); }
RelayProgress Relay::progress() const { return impl_->progress(); }

}  // namespace es
