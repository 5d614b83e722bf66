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

#include <memory>
#include <string>
#include <vector>

#include "es/bus/publisher.h"
#include "es/bus/receiver.h"

namespace es {
namespace detail {
class MemoryLog;  // the messages and acknowledgements (src/bus/memory_bus.cc)
}

class MemoryBus {
 public:
  MemoryBus();
  MemoryBus(const MemoryBus&) = delete;
  MemoryBus& operator=(const MemoryBus&) = delete;
  ~MemoryBus();

  std::unique_ptr<Publisher> publisher();
  // A receiver of the consumer `name`; a second one of the same name resumes where the first
  // acknowledged, refetching what it fetched without acknowledging.
  std::unique_ptr<Receiver> receiver(std::string name);

  void set_available(bool available);
  // Every message published so far, copies included.
  [[nodiscard]] std::vector<RecordedEvent> messages() const;

 private:
  std::unique_ptr<detail::MemoryLog> log_;
};

}  // namespace es
