#include "es/projection/subscription.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "projection/dead_letter_delivery.h"
#include "projection/page_reader.h"

namespace es {
namespace {

using Delivery =
    std::variant<EventHandler, BatchHandler, std::unique_ptr<detail::DeadLetterDelivery>>;

// Longest single wait for an append; the loop then simply reads again.
constexpr std::chrono::milliseconds kLiveWait{500};

}  // namespace

class Subscription::Impl {
 public:
  Impl(EventStore& store, SubscriptionOptions options, Delivery handler,
       std::optional<Position> saved, Position from)
      : store_(store), options_(std::move(options)), handler_(std::move(handler)), saved_(saved) {
    progress_.delivered = from;
    progress_.head = from;
  }

  void start() {
    thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
  }

  Status stop() {
    {
      std::lock_guard lock(join_mutex_);
      thread_.request_stop();
      if (thread_.joinable()) thread_.join();
    }
    return status();
  }

  void request_stop() { thread_.request_stop(); }

  bool wait_for(Position position, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return progress_.delivered >= position || !running_; });
    return progress_.delivered >= position;
  }

  bool wait_stopped(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return !running_; });
  }

  bool running() const {
    std::lock_guard lock(mutex_);
    return running_;
  }
  Status status() const {
    std::lock_guard lock(mutex_);
    return status_;
  }
  SubscriptionProgress progress() const {
    std::lock_guard lock(mutex_);
    return progress_;
  }

 private:
  void run(const std::stop_token& stop) {
    Status status;
    try {
      status = loop(stop);
    } catch (const std::exception& e) {
      // Exceptions do not cross the API: a throwing handler stops the subscription like an error.
      status = Status::internal(std::string("subscription handler threw: ") + e.what());
    }
    {
      std::lock_guard lock(mutex_);
      status_ = std::move(status);
      running_ = false;
    }
    changed_.notify_all();
  }

  Status loop(const std::stop_token& stop) {
    detail::PageReader reader(
        store_,
        {.from = progress().delivered, .max_count = options_.page_size, .filter = options_.filter});
    bool caught_up = false;
    const auto* dead_letters = std::get_if<std::unique_ptr<detail::DeadLetterDelivery>>(&handler_);
    while (!stop.stop_requested()) {
      if (dead_letters != nullptr) ES_RETURN_IF_ERROR((*dead_letters)->redeliver(stop));
      const Position from = reader.from();
      auto page = reader.next();
      if (!page) return page.error();
      AllSlice& slice = (*page)->slice;
      record_head((*page)->head);
      if (options_.group) drop_other_members_streams(slice.events);
      if (!slice.events.empty() || slice.next != from) {
        ES_RETURN_IF_ERROR(deliver(slice, from, stop));
      }
      if (!slice.end) {
        if (caught_up) {
          caught_up = false;
          signal(options_.on_fell_behind, /*caught_up=*/false);
        }
        continue;
      }
      if (!caught_up) {
        caught_up = true;
        signal(options_.on_caught_up, /*caught_up=*/true);
      }
      if (options_.stop_at_head) return Status::ok();
      auto woke = store_.wait_for_append(reader.from(), kLiveWait, stop);
      if (!woke) return woke.error();
      record_head(*woke);
    }
    return Status::ok();
  }

  void drop_other_members_streams(std::vector<RecordedEvent>& events) const {
    std::erase_if(events, [&](const RecordedEvent& e) { return !options_.group->owns(e.stream); });
  }

  // Hands one page to the handler, saves the checkpoint as far as the handler got, and
  // publishes the progress.
  Status deliver(const AllSlice& page, Position from, const std::stop_token& stop) {
    Position reached = from;
    std::uint64_t handled = 0;
    Status status;
    if (const auto* batch = std::get_if<BatchHandler>(&handler_)) {
      status = (*batch)(Batch{page.events, page.next});
      if (status.is_ok()) {
        reached = page.next;
        handled = page.events.size();
      }
    } else if (const auto* dead_letters =
                   std::get_if<std::unique_ptr<detail::DeadLetterDelivery>>(&handler_)) {
      detail::DeadLetterDelivery::Outcome outcome{.reached = from};
      status = (*dead_letters)->deliver(page.events, page.next, stop, outcome);
      reached = outcome.reached;
      handled = outcome.handled;
    } else {
      const EventHandler& handler = std::get<EventHandler>(handler_);
      bool stopped = false;
      for (const RecordedEvent& event : page.events) {
        if (stop.stop_requested()) {
          stopped = true;
          break;
        }
        status = handler(event);
        if (!status.is_ok()) break;
        reached = event.position;
        ++handled;
      }
      if (status.is_ok() && !stopped) reached = page.next;
    }
    if (reached != from) {
      Status saved = save_checkpoint(reached);
      if (status.is_ok()) status = std::move(saved);
    }
    SubscriptionProgress progress;
    {
      std::lock_guard lock(mutex_);
      progress_.delivered = std::max(progress_.delivered, reached);
      progress_.head = std::max(progress_.head, reached);
      progress_.events += handled;
      progress = progress_;
    }
    changed_.notify_all();
    if (options_.on_progress) options_.on_progress(progress);
    return status;
  }

  Status save_checkpoint(Position next) {
    if (options_.name.empty() || saved_ == next) return Status::ok();
    ES_RETURN_IF_ERROR(options_.checkpoints->save(options_.name, saved_, next));
    saved_ = next;
    return Status::ok();
  }

  void record_head(Position head) {
    std::lock_guard lock(mutex_);
    progress_.head = std::max(progress_.head, head);
  }

  void signal(const std::function<void(const SubscriptionProgress&)>& callback, bool caught_up) {
    SubscriptionProgress progress;
    {
      std::lock_guard lock(mutex_);
      progress_.caught_up = caught_up;
      progress = progress_;
    }
    if (callback) callback(progress);
  }

  EventStore& store_;
  const SubscriptionOptions options_;
  const Delivery handler_;
  std::optional<Position> saved_;  // the checkpoint as stored: what the next save expects

  mutable std::mutex mutex_;
  std::condition_variable changed_;  // progress_ or running_ changed
  SubscriptionProgress progress_;
  Status status_;
  bool running_ = true;

  std::mutex join_mutex_;  // stop() may be called from several threads
  std::jthread thread_;    // last: joined before the members it uses are destroyed
};

namespace {

// With a dead-letter store, a plain handler is delivered through the callback sink.
Status wrap_for_dead_letters(EventStore& store, const SubscriptionOptions& options,
                             Delivery& handler) {
  if (options.dead_letters == nullptr ||
      std::holds_alternative<std::unique_ptr<detail::DeadLetterDelivery>>(handler)) {
    return Status::ok();
  }
  if (options.name.empty()) {
    return Status::invalid_argument("a subscription with dead letters needs a name");
  }
  auto* plain = std::get_if<EventHandler>(&handler);
  if (plain == nullptr) {
    return Status::invalid_argument(
        "start_batched cannot park single events: use start() with dead letters");
  }
  handler = std::make_unique<detail::DeadLetterDelivery>(
      store, options.name, options.retry,
      detail::make_callback_sink(std::move(*plain), *options.dead_letters, options.name));
  return Status::ok();
}

Result<std::unique_ptr<Subscription::Impl>> make_impl(EventStore& store,
                                                      SubscriptionOptions options,
                                                      Delivery handler) {
  if (options.page_size == 0) return Status::invalid_argument("page_size must be at least 1");
  if (options.retry.max_attempts == 0) {
    return Status::invalid_argument("retry.max_attempts must be at least 1");
  }
  if (options.group) {
    ES_RETURN_IF_ERROR(options.group->validate());
    if (!options.name.empty()) options.name = options.group->checkpoint_name(options.name);
  }
  if (!options.name.empty() && options.checkpoints == nullptr) {
    return Status::invalid_argument("subscription '" + options.name +
                                    "' has a name but no checkpoint store");
  }
  std::optional<Position> saved;
  if (!options.name.empty()) {
    auto loaded = options.checkpoints->load(options.name);
    if (!loaded) return loaded.error();
    saved = *loaded;
  }
  ES_RETURN_IF_ERROR(wrap_for_dead_letters(store, options, handler));
  const Position from = saved.value_or(options.from);
  auto impl = std::make_unique<Subscription::Impl>(store, std::move(options), std::move(handler),
                                                   saved, from);
  impl->start();
  return impl;
}

}  // namespace

Result<Subscription> Subscription::start(EventStore& store, SubscriptionOptions options,
                                         EventHandler handler) {
  auto impl = make_impl(store, std::move(options), std::move(handler));
  if (!impl) return impl.error();
  return Subscription(std::move(*impl));
}

Result<Subscription> Subscription::start_batched(EventStore& store, SubscriptionOptions options,
                                                 BatchHandler handler) {
  auto impl = make_impl(store, std::move(options), std::move(handler));
  if (!impl) return impl.error();
  return Subscription(std::move(*impl));
}

namespace detail {

Result<Subscription> start_with_sink(EventStore& store, SubscriptionOptions options,
                                     std::string subscription, std::unique_ptr<DeliverySink> sink) {
  const RetryPolicy retry = options.retry;
  auto impl = make_impl(
      store, std::move(options),
      std::make_unique<DeadLetterDelivery>(store, std::move(subscription), retry, std::move(sink)));
  if (!impl) return impl.error();
  return Subscription(std::move(*impl));
}

}  // namespace detail

Subscription::Subscription(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Subscription::Subscription(Subscription&&) noexcept = default;
Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    if (impl_) (void)impl_->stop();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
Subscription::~Subscription() {
  if (impl_) (void)impl_->stop();
}

Status Subscription::stop() { return impl_->stop(); }
void Subscription::request_stop() { impl_->request_stop(); }
bool Subscription::wait_for(Position position, std::chrono::milliseconds timeout) {
  return impl_->wait_for(position, timeout);
}
bool Subscription::wait_stopped(std::chrono::milliseconds timeout) {
  return impl_->wait_stopped(timeout);
}
bool Subscription::running() const { return impl_->running(); }
Status Subscription::status() const { return impl_->status(); }
SubscriptionProgress Subscription::progress() const { return impl_->progress(); }

}  // namespace es
