// DeadLetterDelivery: how a subscription with a dead-letter queue delivers a page (DESIGN §8).
// Events of a parked stream are parked behind its first letter; a failing event is called
// again as the retry policy allows and then parked, and the page goes on with the other streams.
// With a transactional sink a failing event's unit is rolled back and the events before it are
// committed alone, so every committed unit holds only successful handler effects, the letters
// parked and the checkpoint reached. Letters marked for redelivery (DeadLetterStore::retry) are
// handed to the handler before the next page, in order, each one's success and its removal in
// one unit.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <stop_token>
#include <string>

#include "es/projection/retry_policy.h"
#include "es/store/event_store.h"
#include "projection/delivery_sink.h"

namespace es::detail {

class DeadLetterDelivery {
 public:
  // Letters are kept under `subscription`; events are read again from `store` on redelivery.
  DeadLetterDelivery(EventStore& store, std::string subscription, RetryPolicy policy,
                     std::unique_ptr<DeliverySink> sink);

  struct Outcome {
    Position reached;           // everything up to here is handled, parked or filtered
    std::uint64_t handled = 0;  // events the handler took
  };

  [[nodiscard]] bool transactional() const { return sink_->transactional(); }
  // Delivers `events`, then moves to `next`; on a stop request returns ok with `out.reached`
  // as far as it got. Errors other than the handler's (the store, the queue) are returned.
  Status deliver(std::span<const RecordedEvent> events, Position next, const std::stop_token& stop,
                 Outcome& out);
  // Redelivers the letters marked for it.
  Status redeliver(const std::stop_token& stop);

 private:
  // Each parked stream and the position of its first letter.
  using Parked = std::map<std::string, Position, std::less<>>;
  struct Unit {
    std::size_t end = 0;        // events [begin, end) ran; events[end] failed when failure is set
    std::uint64_t handled = 0;  // of them, handled (the others were parked behind)
    Status failure;
  };

  // The sink's letters in position order.
  Result<std::vector<DeadLetter>> letters_in_order();
  // Each stream with letters, and the position of its earliest one.
  Result<Parked> parked_streams();
  Result<Unit> run_unit(std::span<const RecordedEvent> events, std::size_t begin, std::size_t limit,
                        const Parked& parked);
  Result<Unit> commit_unit(std::span<const RecordedEvent> events, std::size_t begin, Position next,
                           const Parked& parked, Outcome& out);
  // Calls the handler on `event` in units of its own until it succeeds or `attempts` reaches the
  // policy's limit, pausing between calls; `settle` joins the successful unit, which commits
  // the checkpoint `to`. Returns whether it succeeded (`failure` holds the last error), or
  // nullopt when a stop request cut a pause short.
  Result<std::optional<bool>> attempt(const RecordedEvent& event, std::uint32_t& attempts,
                                      Status& failure, const std::stop_token& stop,
                                      const std::function<Status()>& settle,
                                      std::optional<Position> to);
  // One unit: `change` and the checkpoint `to`, rolled back if `change` fails.
  Status in_unit(const std::function<Status()>& change, std::optional<Position> to);
  DeadLetter letter_for(const RecordedEvent& event, std::string error,
                        std::uint32_t attempts) const;
  Status redeliver_one(const DeadLetter& letter, const std::stop_token& stop,
                       std::set<std::string, std::less<>>& held);

  EventStore& store_;
  const std::string subscription_;
  const RetryPolicy policy_;
  const std::unique_ptr<DeliverySink> sink_;
};

}  // namespace es::detail
