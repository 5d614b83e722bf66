// Aggregate state views of `es serve` (GET /api/aggregates, /api/aggregates/{name}/{id}/history):
// a registry of "name, category, fold each event into JSON state", each folding with the
// aggregate's own code — its EventSet decodes, its upcasters upgrade old payloads, its apply()
// or evolve() folds — and showing the state in its snapshot form (the reflected members).
//
// Thread safety: register views before serving; afterwards find() and the views' history() may
// be called from any thread.
//
//   es::serve::AggregateViews views;
//   views.add(es::serve::aggregate_view<bank::Account>("account", bank_upcasters));
//   views.find("account")->history(store, "42", [](const es::RecordedEvent& e, Json state) {...});
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "es/domain/aggregate_traits.h"
#include "es/domain/event_set.h"
#include "es/domain/json_codec.h"
#include "es/domain/upcaster.h"
#include "es/store/event_store.h"
#include "json_text.h"

namespace es::serve {

// Called once per stored event with the state after it.
using StepVisitor = std::function<void(const RecordedEvent& event, cli::Json state)>;

struct AggregateView {
  std::string name;
  std::string category;
  // Folds the stream "<category>-<id>" from its first event, calling `step` after each one. An
  // event the aggregate cannot decode fails with the decoder's error.
  std::function<Status(EventStore& store, std::string_view id, const StepVisitor& step)> history;
};

class AggregateViews {
 public:
  void add(AggregateView view) { views_.push_back(std::move(view)); }
  [[nodiscard]] const AggregateView* find(std::string_view name) const {
    for (const AggregateView& v : views_) {
      if (v.name == name) return &v;
    }
    return nullptr;
  }
  [[nodiscard]] const std::vector<AggregateView>& all() const { return views_; }

 private:
  std::vector<AggregateView> views_;
};

// The view of aggregate A (either style, es/domain/aggregate_traits.h) with a snapshottable
// state; `upcasters` may be null.
template <typename A>
AggregateView aggregate_view(std::string name, const std::shared_ptr<const Upcasters>& upcasters) {
  using Traits = AggregateTraits<A>;
  using Events = EventSet<typename Traits::EventVariant>;
  AggregateView view{std::move(name), std::string(Traits::kCategory), {}};
  view.history = [upcasters](EventStore& store, std::string_view id,
                             const StepVisitor& step) -> Status {
    auto root = Traits::make(std::string(id));
    typename Traits::EventVariant scratch;
    Status failed;
    auto fold = [&](const StoredPayload& p) {
      failed = Events::decode(p.type, p.schema_version, p.data, scratch);
      if (failed.is_ok()) Traits::evolve(root, scratch);
      return failed.is_ok();
    };
    const Status read =
        store.visit_stream(stream_of<A>(id), {.max_count = 1000}, [&](const RecordedEvent& e) {
          StoredPayload stored{e.type, e.schema_version, e.data};
          if (upcasters != nullptr && upcasters->applies_to(e.type, e.schema_version)) {
            std::vector<StoredPayload> current;
            failed = upcasters->upcast(std::move(stored), current);
            if (!failed.is_ok()) return false;
            for (const StoredPayload& p : current) {
              if (!fold(p)) return false;
            }
          } else if (!fold(stored)) {
            return false;
          }
          auto state = cli::parse_json(json_encode(Traits::state(root)), "state");
          step(e, state ? std::move(*state) : cli::Json(nullptr));
          return true;
        });
    return failed.is_ok() ? read : failed;
  };
  return view;
}

// The views `es serve` offers: the bank example's account (examples/bank).
AggregateViews default_aggregate_views();

}  // namespace es::serve
