#include "projection/dead_letter_delivery.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace es::detail {
namespace {

// Records that `event` was parked: its stream's first letter is the earliest parked one (an event
// before the first letter, redelivered after a crash, may fail and be parked after it).
void park_behind(std::map<std::string, Position, std::less<>>& parked, const RecordedEvent& event) {
  auto [it, fresh] = parked.emplace(event.stream, event.position);
  if (!fresh) it->second = std::min(it->second, event.position);
}

// Waits `pause` unless a stop is requested first; false when it was.
bool pause_unless_stopped(std::chrono::milliseconds pause, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any never_notified;
  std::unique_lock lock(mutex);
  never_notified.wait_for(lock, stop, pause, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace

DeadLetterDelivery::DeadLetterDelivery(EventStore& store, std::string subscription,
                                       RetryPolicy policy, std::unique_ptr<DeliverySink> sink)
    : store_(store),
      subscription_(std::move(subscription)),
      policy_(policy),
      sink_(std::move(sink)) {}

Status DeadLetterDelivery::deliver(std::span<const RecordedEvent> events, Position next,
                                   const std::stop_token& stop, Outcome& out) {
  auto parked = parked_streams();
  if (!parked) return parked.error();
  std::size_t begin = 0;
  while (!stop.stop_requested()) {
    auto unit = commit_unit(events, begin, next, *parked, out);
    if (!unit) return unit.error();
    if (unit->end == events.size()) return Status::ok();
    const RecordedEvent& failing = events[unit->end];
    std::uint32_t attempts = 1;
    Status failure = unit->failure;
    auto handled = attempt(failing, attempts, failure, stop, nullptr, failing.position);
    if (!handled) return handled.error();
    if (!handled->has_value()) return Status::ok();  // stopped while pausing
    if (**handled) {
      ++out.handled;
    } else {
      ES_RETURN_IF_ERROR(
          in_unit([&] { return sink_->park(letter_for(failing, failure.to_string(), attempts)); },
                  failing.position));
      park_behind(*parked, failing);
    }
    out.reached = failing.position;
    begin = unit->end + 1;
  }
  return Status::ok();
}

Result<std::vector<DeadLetter>> DeadLetterDelivery::letters_in_order() {
  auto letters = sink_->letters();
  // Stored in the order they were parked, which is not always position order (see park_behind).
  if (letters) {
    std::stable_sort(
        letters->begin(), letters->end(),
        [](const DeadLetter& a, const DeadLetter& b) { return a.position < b.position; });
  }
  return letters;
}

Result<DeadLetterDelivery::Parked> DeadLetterDelivery::parked_streams() {
  auto letters = letters_in_order();
  if (!letters) return letters.error();
  Parked parked;
  for (const DeadLetter& letter : *letters) parked.emplace(letter.stream, letter.position);
  return parked;
}

Result<DeadLetterDelivery::Unit> DeadLetterDelivery::run_unit(std::span<const RecordedEvent> events,
                                                              std::size_t begin, std::size_t limit,
                                                              const Parked& parked) {
  Unit unit{.end = begin};
  for (; unit.end < limit; ++unit.end) {
    const RecordedEvent& event = events[unit.end];
    // Behind the stream's first letter (or the letter itself, parked again as a no-op): an
    // event before it (redelivered after a crash, or by a rebuild) is handled in its turn.
    if (auto it = parked.find(event.stream); it != parked.end() && it->second <= event.position) {
      ES_RETURN_IF_ERROR(
          sink_->park(letter_for(event, "parked behind " + it->second.to_string(), 0)));
      continue;
    }
    Status status = sink_->handle(event);
    if (!status.is_ok()) {
      unit.failure = std::move(status);
      break;
    }
    ++unit.handled;
  }
  return unit;
}

Result<DeadLetterDelivery::Unit> DeadLetterDelivery::commit_unit(
    std::span<const RecordedEvent> events, std::size_t begin, Position next, const Parked& parked,
    Outcome& out) {
  std::size_t limit = events.size();
  Status failure;  // the handler's error at events[limit], once the unit was cut short
  for (;;) {
    ES_RETURN_IF_ERROR(sink_->begin());
    auto unit = run_unit(events, begin, limit, parked);
    if (!unit) {
      sink_->rollback();
      return unit.error();
    }
    if (!unit->failure.is_ok() && sink_->transactional()) {
      // Undo the unit and commit the events before the failing one on their own.
      sink_->rollback();
      limit = unit->end;
      failure = unit->failure;
      continue;
    }
    if (unit->failure.is_ok() && unit->end < events.size()) unit->failure = failure;
    Position to = out.reached;
    if (unit->end == events.size()) {
      to = next;
    } else if (unit->end > begin) {
      to = events[unit->end - 1].position;
    }
    if (Status committed = sink_->commit(to); !committed.is_ok()) {
      sink_->rollback();
      return committed;
    }
    out.reached = to;
    out.handled += unit->handled;
    return unit;
  }
}

Result<std::optional<bool>> DeadLetterDelivery::attempt(const RecordedEvent& event,
                                                        std::uint32_t& attempts, Status& failure,
                                                        const std::stop_token& stop,
                                                        const std::function<Status()>& settle,
                                                        std::optional<Position> to) {
  std::chrono::milliseconds backoff = policy_.initial_backoff;
  while (attempts < policy_.max_attempts) {
    if (attempts > 0) {
      if (!pause_unless_stopped(backoff, stop)) return std::optional<bool>();
      backoff = std::min(backoff * 2, policy_.max_backoff);
    }
    ++attempts;
    ES_RETURN_IF_ERROR(sink_->begin());
    failure = sink_->handle(event);
    if (failure.is_ok() && settle) failure = settle();
    if (failure.is_ok()) {
      if (Status committed = sink_->commit(to); !committed.is_ok()) {
        sink_->rollback();
        return committed;
      }
      return std::optional<bool>(true);
    }
    sink_->rollback();
  }
  return std::optional<bool>(false);
}

Status DeadLetterDelivery::in_unit(const std::function<Status()>& change,
                                   std::optional<Position> to) {
  ES_RETURN_IF_ERROR(sink_->begin());
  Status status = change();
  if (status.is_ok()) status = sink_->commit(to);
  if (!status.is_ok()) sink_->rollback();
  return status;
}

DeadLetter DeadLetterDelivery::letter_for(const RecordedEvent& event, std::string error,
                                          std::uint32_t attempts) const {
  return DeadLetter{.subscription = subscription_,
                    .stream = event.stream,
                    .version = event.version,
                    .position = event.position,
                    .event_id = event.id,
                    .type = event.type,
                    .error = std::move(error),
                    .attempts = attempts,
                    .parked_at = now()};
}

Status DeadLetterDelivery::redeliver(const std::stop_token& stop) {
  auto letters = letters_in_order();
  if (!letters) return letters.error();
  // Streams with a letter still parked ahead: their later letters wait, to keep the order.
  std::set<std::string, std::less<>> held;
  for (const DeadLetter& letter : *letters) {
    if (stop.stop_requested()) return Status::ok();
    if (held.contains(letter.stream)) continue;
    if (!letter.redeliver) {
      held.insert(letter.stream);
      continue;
    }
    ES_RETURN_IF_ERROR(redeliver_one(letter, stop, held));
  }
  return Status::ok();
}

Status DeadLetterDelivery::redeliver_one(const DeadLetter& letter, const std::stop_token& stop,
                                         std::set<std::string, std::less<>>& held) {
  auto slice = store_.read_stream(letter.stream, {.from_version = letter.version, .max_count = 1});
  if (!slice && slice.error().code() != StatusCode::kNotFound &&
      slice.error().code() != StatusCode::kStreamDeleted) {
    return slice.error();
  }
  std::uint32_t attempts = 0;
  Status failure = Status::not_found("the parked event is no longer readable");
  if (slice && !slice->events.empty() && slice->events.front().position == letter.position) {
    auto handled = attempt(
        slice->events.front(), attempts, failure, stop, [&] { return sink_->remove(letter); },
        std::nullopt);
    if (!handled) return handled.error();
    if (!handled->has_value()) return Status::ok();  // stopped: it stays marked
    if (**handled) return Status::ok();
  }
  held.insert(letter.stream);
  DeadLetter kept = letter;
  kept.error = failure.to_string();
  kept.attempts = letter.attempts + attempts;
  return in_unit([&] { return sink_->keep(kept); }, std::nullopt);
}

}  // namespace es::detail
