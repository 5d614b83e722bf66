#include "orders/inventory.h"

#include <utility>

#include "es/core/overloaded.h"

namespace orders {
namespace {

using Decision = es::Result<std::vector<InventoryEvent>>;

Decision nothing() { return std::vector<InventoryEvent>{}; }

template <typename E>
Decision just(E event) {
  return std::vector<InventoryEvent>{std::move(event)};
}

es::Status reject(std::string message) { return es::Status::rejected(std::move(message)); }

Decision receive(const ReceiveStock& c) {
  if (c.sku.empty()) return reject("a delivery needs a SKU");
  if (c.quantity <= 0) return reject("a delivery's quantity must be positive");
  return just(StockReceived{c.sku, c.quantity});
}

Decision reserve(const ReserveStock& c, const InventoryState& state) {
  if (c.order_id.empty()) return reject("a reservation needs an order id");
  if (c.quantities.empty()) return reject("order " + c.order_id + " reserves nothing");
  if (auto held = state.reservations.find(c.order_id); held != state.reservations.end()) {
    if (held->second == c.quantities) return nothing();
    return reject("order " + c.order_id + " already holds a different reservation");
  }
  for (const auto& [sku, quantity] : c.quantities) {
    if (quantity <= 0) return reject("order " + c.order_id + " reserves no units of " + sku);
    if (const std::int64_t free = available(state, sku); free < quantity) {
      return reject("cannot reserve " + std::to_string(quantity) + " of " + sku + " for order " +
                    c.order_id + ": " + std::to_string(free) + " available");
    }
  }
  return just(StockReserved{c.order_id, c.quantities});
}

// Ends the order's reservation as an E carrying what it held; nothing when it holds none.
template <typename E>
Decision end_reservation(const std::string& order_id, const InventoryState& state) {
  auto held = state.reservations.find(order_id);
  if (held == state.reservations.end()) return nothing();
  return just(E{order_id, held->second});
}

}  // namespace

std::int64_t available(const InventoryState& state, std::string_view sku) {
  auto it = state.stock.find(std::string(sku));
  if (it == state.stock.end()) return 0;
  return it->second.on_hand - it->second.reserved;
}

InventoryState Inventory::evolve(InventoryState state, const InventoryEvent& event) {
  std::visit(es::Overloaded{
                 [&](const StockReceived& e) { state.stock[e.sku].on_hand += e.quantity; },
                 [&](const StockReserved& e) {
                   for (const auto& [sku, quantity] : e.quantities) {
                     state.stock[sku].reserved += quantity;
                   }
                   state.reservations[e.order_id] = e.quantities;
                 },
                 [&](const ReservationReleased& e) {
                   for (const auto& [sku, quantity] : e.quantities) {
                     state.stock[sku].reserved -= quantity;
                   }
                   state.reservations.erase(e.order_id);
                 },
                 [&](const StockDispatched& e) {
                   for (const auto& [sku, quantity] : e.quantities) {
                     SkuStock& stock = state.stock[sku];
                     stock.reserved -= quantity;
                     stock.on_hand -= quantity;
                   }
                   state.reservations.erase(e.order_id);
                 },
             },
             event);
  return state;
}

es::Result<std::vector<InventoryEvent>> Inventory::decide(const InventoryCommand& command,
                                                          const InventoryState& state) {
  return std::visit(es::Overloaded{
                        [&](const ReceiveStock& c) { return receive(c); },
                        [&](const ReserveStock& c) { return reserve(c, state); },
                        [&](const ReleaseReservation& c) {
                          return end_reservation<ReservationReleased>(c.order_id, state);
                        },
                        [&](const DispatchReservation& c) {
                          return end_reservation<StockDispatched>(c.order_id, state);
                        },
                    },
                    command);
}

}  // namespace orders
