// The orders example's Inventory, in the decider style: the stock of one warehouse per SKU, and
// the reservations orders hold on it. Reserved units stay on hand until they are dispatched, but
// no other order can reserve them. A reservation is keyed by its order's id and is all or nothing:
// an order gets every unit it asks for or none.
//
// Releasing or dispatching the reservation of an order that holds none does nothing, and
// reserving exactly what an order already holds does nothing: a flow across an order and its
// inventory (fulfilment.h) that stopped half-way can simply run again.
//
// Thread safety: stateless functions over values.
//
//   es::Repository<orders::Inventory> inventory(store);      // streams are "inventory-<warehouse>"
//   auto in = inventory.execute("lisbon", orders::ReceiveStock{"sku-tea", 40});
//   auto held = inventory.execute("lisbon", orders::ReserveStock{"o-1", {{"sku-tea", 2}}});
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "es/core/result.h"
#include "es/domain/aggregate.h"
#include "orders/quantities.h"

namespace orders {

struct StockReceived {
  std::string sku;
  std::int64_t quantity = 0;
};
struct StockReserved {
  std::string order_id;
  Quantities quantities;
};
// The events that end a reservation carry its quantities, so each event says what it changed
// without a look back at the reservation.
struct ReservationReleased {
  std::string order_id;
  Quantities quantities;
};
struct StockDispatched {
  std::string order_id;
  Quantities quantities;
};

ES_EVENT(StockReceived, "inventory.StockReceived", 1, sku, quantity)
ES_EVENT(StockReserved, "inventory.StockReserved", 1, order_id, quantities)
ES_EVENT(ReservationReleased, "inventory.ReservationReleased", 1, order_id, quantities)
ES_EVENT(StockDispatched, "inventory.StockDispatched", 1, order_id, quantities)

using InventoryEvent =
    std::variant<StockReceived, StockReserved, ReservationReleased, StockDispatched>;

// A delivery of `quantity` units into the warehouse.
struct ReceiveStock {
  std::string sku;
  std::int64_t quantity = 0;
};
// Holds `quantities` for order `order_id`; rejected unless every SKU has enough units available.
struct ReserveStock {
  std::string order_id;
  Quantities quantities;
};
// Gives the order's reserved units back, as when it is cancelled.
struct ReleaseReservation {
  std::string order_id;
};
// The order's reserved units leave the warehouse, as when it ships.
struct DispatchReservation {
  std::string order_id;
};

using InventoryCommand =
    std::variant<ReceiveStock, ReserveStock, ReleaseReservation, DispatchReservation>;

struct SkuStock {
  std::int64_t on_hand = 0;   // units in the warehouse
  std::int64_t reserved = 0;  // of those, units held for orders
};
ES_FIELDS(SkuStock, on_hand, reserved)

struct InventoryState {
  std::map<std::string, SkuStock> stock;           // by SKU
  std::map<std::string, Quantities> reservations;  // by order id
};
ES_FIELDS(InventoryState, stock, reservations)

// Units of `sku` that an order may still reserve; 0 for a SKU never received.
std::int64_t available(const InventoryState& state, std::string_view sku);

struct Inventory {
  using State = InventoryState;
  using EventVariant = InventoryEvent;
  using Command = InventoryCommand;
  static constexpr std::string_view kCategory = "inventory";
  static constexpr std::int32_t kSnapshotVersion = 1;

  static State initial() { return {}; }
  static State evolve(State state, const EventVariant& event);
  // The events `command` causes in `state`, or a kRejected status saying why it may not run.
  static es::Result<std::vector<EventVariant>> decide(const Command& command, const State& state);
};

}  // namespace orders
