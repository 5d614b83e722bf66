#include "es/bus/memory_bus.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>

namespace es {
namespace detail {

// One ordered log of messages and, per consumer name, how far it acknowledged.
class MemoryLog {
 public:
  void set_available(bool available);
  [[nodiscard]] std::vector<RecordedEvent> messages() const;
  Status append(std::span<const RecordedEvent> events);
  // Up to `max_count` messages from index `from`, waiting up to `wait` for the first.
  Result<std::vector<RecordedEvent>> read(std::size_t from, std::size_t max_count,
                                          std::chrono::milliseconds wait);
  Result<std::size_t> acknowledged(const std::string& name);
  Status acknowledge(const std::string& name, std::size_t upto);

 private:
  mutable std::mutex mutex_;
  std::condition_variable appended_;
  std::vector<RecordedEvent> log_;
  std::map<std::string, std::size_t, std::less<>> acknowledged_;
  bool available_ = true;
};

}  // namespace detail

namespace {

using detail::MemoryLog;

Status away() { return Status::unavailable("the in-memory bus is unavailable"); }

class MemoryPublisher final : public Publisher {
 public:
  explicit MemoryPublisher(MemoryLog& bus) : bus_(bus) {}

 protected:
  Status do_publish(std::span<const RecordedEvent> events) override { return bus_.append(events); }
  [[nodiscard]] std::string do_destination() const override { return "memory bus"; }

 private:
  MemoryLog& bus_;
};

class MemoryReceiver final : public Receiver {
 public:
  MemoryReceiver(MemoryLog& bus, std::string name) : bus_(bus), name_(std::move(name)) {}

 protected:
  Result<std::vector<RecordedEvent>> do_fetch(std::size_t max_count,
                                              std::chrono::milliseconds wait) override {
    if (!next_) {
      auto acknowledged = bus_.acknowledged(name_);
      if (!acknowledged) return acknowledged.error();
      next_ = *acknowledged;
    }
    auto events = bus_.read(*next_, max_count, wait);
    if (events) *next_ += events->size();
    return events;
  }
  Status do_ack() override { return next_ ? bus_.acknowledge(name_, *next_) : Status::ok(); }
  [[nodiscard]] std::string do_source() const override { return "memory bus (" + name_ + ")"; }

 private:
  MemoryLog& bus_;
  const std::string name_;
  std::optional<std::size_t> next_;  // the index of the next message to fetch
};

}  // namespace

MemoryBus::MemoryBus() : log_(std::make_unique<MemoryLog>()) {}
MemoryBus::~MemoryBus() = default;

std::unique_ptr<Publisher> MemoryBus::publisher() {
  return std::make_unique<MemoryPublisher>(*log_);
}

std::unique_ptr<Receiver> MemoryBus::receiver(std::string name) {
  return std::make_unique<MemoryReceiver>(*log_, std::move(name));
}

void MemoryBus::set_available(bool available) { log_->set_available(available); }

std::vector<RecordedEvent> MemoryBus::messages() const { return log_->messages(); }

namespace detail {

void MemoryLog::set_available(bool available) {
  {
    std::lock_guard lock(mutex_);
    available_ = available;
  }
  appended_.notify_all();
}

std::vector<RecordedEvent> MemoryLog::messages() const {
  std::lock_guard lock(mutex_);
  return log_;
}

Status MemoryLog::append(std::span<const RecordedEvent> events) {
  {
    std::lock_guard lock(mutex_);
    if (!available_) return away();
    log_.insert(log_.end(), events.begin(), events.end());
  }
  appended_.notify_all();
  return Status::ok();
}

Result<std::vector<RecordedEvent>> MemoryLog::read(std::size_t from, std::size_t max_count,
                                                   std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  appended_.wait_for(lock, wait, [&] { return !available_ || log_.size() > from; });
  if (!available_) return away();
  const std::size_t end = std::min(log_.size(), from + max_count);
  if (end <= from) return std::vector<RecordedEvent>();
  return std::vector<RecordedEvent>(log_.begin() + static_cast<std::ptrdiff_t>(from),
                                    log_.begin() + static_cast<std::ptrdiff_t>(end));
}

Result<std::size_t> MemoryLog::acknowledged(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (!available_) return away();
  auto it = acknowledged_.find(name);
  return it == acknowledged_.end() ? std::size_t{0} : it->second;
}

Status MemoryLog::acknowledge(const std::string& name, std::size_t upto) {
  std::lock_guard lock(mutex_);
  if (!available_) return away();
  acknowledged_[name] = upto;
  return Status::ok();
}

}  // namespace detail
}  // namespace es
