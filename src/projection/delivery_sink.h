// DeliverySink: where a subscription with a dead-letter queue delivers — the handler, the
// queue and, for a transactional sink, the checkpoint — in units of work. The plain
// subscription's sink (make_callback_sink) calls the handler and the DeadLetterStore directly
// and leaves the checkpoint to the subscription; the exactly-once runner's sink
// (projection/read_model_sink.h) runs each unit as one transaction of the read-model database.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "es/projection/dead_letter_store.h"
#include "es/projection/subscription.h"

namespace es::detail {

class DeliverySink {
 public:
  DeliverySink() = default;
  DeliverySink(const DeliverySink&) = delete;
  DeliverySink& operator=(const DeliverySink&) = delete;
  virtual ~DeliverySink() = default;

  // Whether commit() makes a unit's handler effects, letter changes and checkpoint one atomic
  // step and rollback() undoes them; otherwise each takes effect at once and the subscription
  // saves the checkpoint after the page.
  [[nodiscard]] virtual bool transactional() const = 0;
  virtual Status begin() = 0;
  virtual Status handle(const RecordedEvent& event) = 0;
  // Ends the unit, saving the checkpoint `to` first when given (transactional sinks only).
  virtual Status commit(std::optional<Position> to) = 0;
  virtual void rollback() = 0;

  // The subscription's letters, and changes to them, inside the current unit.
  virtual Result<std::vector<DeadLetter>> letters() = 0;
  virtual Status park(const DeadLetter& letter) = 0;
  virtual Status remove(const DeadLetter& letter) = 0;
  virtual Status keep(const DeadLetter& letter) = 0;
};

// The sink of Subscription::start with a dead-letter store: at-least-once, like the
// subscription itself (parking is idempotent, so a redelivered page parks nothing twice).
std::unique_ptr<DeliverySink> make_callback_sink(EventHandler handler, DeadLetterStore& letters,
                                                 std::string subscription);

}  // namespace es::detail
