// The W3 domain of the workload runner: the ItemAdded event of BENCHMARKS.md's payload and a
// decider that folds a stream of them into {count, qty, last_seq}, loaded through es::Repository
// the way an application loads an aggregate.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "es/domain/aggregate.h"

namespace es::bench {

struct ItemAdded {
  std::string stream;
  std::int64_t seq = 0;
  std::string sku;
  std::int64_t qty = 0;
  double price = 0;
  std::string note;
};
ES_EVENT(ItemAdded, "ItemAdded", 1, stream, seq, sku, qty, price, note)

struct ItemTotals {
  std::int64_t count = 0;
  std::int64_t qty = 0;
  std::int64_t last_seq = -1;
  void add(const ItemAdded& e) {
    ++count;
    qty += e.qty;
    last_seq = e.seq;
  }
};
ES_FIELDS(ItemTotals, count, qty, last_seq)

// Appends `count` items with sequence numbers from `first_seq` to `stream` (the W3s setup
// command; the stream name is part of each item's payload).
struct AddItems {
  std::string stream;
  std::int64_t first_seq = 0;
  std::int64_t count = 0;
};

struct ItemCart {
  using State = ItemTotals;
  using EventVariant = std::variant<ItemAdded>;
  using Command = AddItems;
  static constexpr std::string_view kCategory = "agg";
  static constexpr std::int32_t kSnapshotVersion = 1;

  static State initial() { return {}; }
  static State evolve(State state, const EventVariant& event) {
    state.add(std::get<ItemAdded>(event));
    return state;
  }
  static Result<std::vector<EventVariant>> decide(const Command& command, const State& state);
};

}  // namespace es::bench
