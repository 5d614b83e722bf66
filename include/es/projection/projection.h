// Projection: a read model's handlers, one per event type, typed through the domain layer's
// codec and upcasters (DESIGN §7–8). Only the handled types are decoded; the runner reads only
// them from the store (filter()), and every other event still advances the checkpoint.
//
// Projection<Tx> is for read models in the store's own SQLite file: each handler also gets the
// batch's transaction, and run_sqlite_projection (es/projection/runner.h) commits the handlers'
// writes and the checkpoint together — exactly-once effects. Projection<> is for any other read
// model, run at-least-once by run_projection; make its handlers idempotent (Deduplicator).
//
// Thread safety: register handlers before running; a runner then calls handle() from its own
// thread, one event at a time. The projection must outlive the runners using it.
//
//   es::Projection<es::Tx> balances("balances");
//   balances.on<MoneyDeposited>([](const es::Envelope<MoneyDeposited>& e, es::Tx& tx) {
//     return tx.exec("UPDATE balances SET cents = cents + ?1 WHERE account = ?2", e.event.cents,
//                    e.recorded.stream); });
#pragma once

#include <cassert>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "es/domain/event.h"
#include "es/domain/event_set.h"
#include "es/domain/upcaster.h"
#include "es/store/event.h"
#include "es/store/read.h"

namespace es {

// A decoded event and the stored record it came from (stream, version, position, id, metadata,
// recorded_at; its type and data are the stored form, before upcasting).
template <typename E>
struct Envelope {
  const E& event;
  const RecordedEvent& recorded;
};

template <typename... Context>
class Projection {
 public:
  using Step = std::function<Status(Context&...)>;

  // `name` is the checkpoint name: 1–256 bytes, unique per read model.
  explicit Projection(std::string name) : name_(std::move(name)) {}

  // Upcasts stored events before decoding (null: none). Since an upcaster may rename a type,
  // filter() then reads every event and handle() sorts them out.
  Projection& with_upcasters(const Upcasters* upcasters) {
    upcasters_ = upcasters;
    return *this;
  }

  // Handles events of type E. `handler(const Envelope<E>&, Context&...)` returns Status (or
  // void). One handler per type: registering E twice is a programmer error.
  template <Event E, typename F>
  Projection& on(F handler) {
    constexpr EventType kType = event_type_of<E>();
    const bool added =
        handlers_
            .emplace(
                std::string(kType.name),
                [handler = std::move(handler)](const RecordedEvent& recorded, std::string_view type,
                                               std::int32_t schema_version, std::string_view data,
                                               Context&... context) -> Status {
                  // One decode target per thread and type, reused: decoding into it keeps its
                  // strings' capacity, so a catch-up allocates nothing per event. A runner calls
                  // handle() one event at a time, and the envelope does not outlive the call.
                  thread_local std::variant<E> decoded;
                  ES_RETURN_IF_ERROR(
                      EventSet<std::variant<E>>::decode(type, schema_version, data, decoded));
                  const Envelope<E> envelope{std::get<E>(decoded), recorded};
                  if constexpr (std::is_void_v<std::invoke_result_t<const F&, const Envelope<E>&,
                                                                    Context&...>>) {
                    handler(envelope, context...);
                    return Status::ok();
                  } else {
                    return handler(envelope, context...);
                  }
                })
            .second;
    assert(added && "a projection handles each event type once");
    (void)added;
    return *this;
  }

  // Runs when a runner starts, before any event (e.g. CREATE TABLE IF NOT EXISTS …).
  Projection& on_start(Step step) {
    start_ = std::move(step);
    return *this;
  }
  // Empties the read model; a rebuild runs it before replaying from the beginning.
  Projection& on_clear(Step step) {
    clear_ = std::move(step);
    return *this;
  }

  [[nodiscard]] const std::string& name() const { return name_; }

  // What the runner reads: the handled types, or everything when upcasters are set.
  [[nodiscard]] EventFilter filter() const {
    EventFilter filter;
    if (upcasters_ != nullptr) return filter;
    for (const auto& [type, handler] : handlers_) filter.types.push_back(type);
    return filter;
  }

  // Decodes `event` (upcast first) and calls the handler of its type; ok for unhandled types.
  Status handle(const RecordedEvent& event, Context&... context) const {
    if (upcasters_ == nullptr || !upcasters_->applies_to(event.type, event.schema_version)) {
      auto it = handlers_.find(event.type);
      if (it == handlers_.end()) return Status::ok();
      return it->second(event, event.type, event.schema_version, event.data, context...);
    }
    std::vector<StoredPayload> current;
    ES_RETURN_IF_ERROR(upcasters_->upcast({event.type, event.schema_version, event.data}, current));
    for (const StoredPayload& payload : current) {
      auto it = handlers_.find(payload.type);
      if (it == handlers_.end()) continue;
      ES_RETURN_IF_ERROR(
          it->second(event, payload.type, payload.schema_version, payload.data, context...));
    }
    return Status::ok();
  }

  // The on_start and on_clear steps; ok when none is set.
  Status start(Context&... context) const { return start_ ? start_(context...) : Status::ok(); }
  Status clear(Context&... context) const { return clear_ ? clear_(context...) : Status::ok(); }

 private:
  // Decodes (type, schema_version, data) — the stored or the upcast form — and handles it.
  using Handler = std::function<Status(const RecordedEvent&, std::string_view, std::int32_t,
                                       std::string_view, Context&...)>;

  std::string name_;
  const Upcasters* upcasters_ = nullptr;
  std::map<std::string, Handler, std::less<>> handlers_;
  Step start_, clear_;
};

}  // namespace es
