// MemoryBus: a message bus inside the process, for tests and examples: one ordered log of
// messages, publishers appending to it and receivers reading it per name, each name remembering
// what it acknowledged (like a Redis consumer group). set_available(false) makes every call fail
// with kUnavailable, as if the server had gone away.
//
// Thread safety: every method, and the publishers and receivers it makes, may be used from any
// thread. The bus must outlive them.
//
//   es::MemoryBus bus;
//   auto relay = es::Relay::start(*store, *bus.publisher(), options);
//   auto consumer = es::Consumer::start(*bus.receiver("billing"), *inbox, {});
#pragma once

#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "es/bus/publisher.h"
#include "es/bus/receiver.h"

namespace es {

class MemoryBus {
 public:
  std::unique_ptr<Publisher> publisher();
  // A receiver of the consumer `name`; a second one of the same name resumes where the first
  // acknowledged, refetching what it fetched without acknowledging.
  std::unique_ptr<Receiver> receiver(std::string name);

  void set_available(bool available);
  // Every message published so far, copies included.
  [[nodiscard]] std::vector<RecordedEvent> messages() const;

  // For the publisher and receivers.
  Status append(std::span<const RecordedEvent> events);
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

}  // namespace es
