#include "orders/order.h"

#include <utility>

#include "es/core/overloaded.h"

namespace orders {
namespace {

using Decision = es::Result<std::vector<OrderEvent>>;

Decision nothing() { return std::vector<OrderEvent>{}; }

template <typename E>
Decision just(E event) {
  return std::vector<OrderEvent>{std::move(event)};
}

es::Status reject(std::string message) { return es::Status::rejected(std::move(message)); }

// Items change only while the order is a draft: once its stock is reserved, the reservation and
// the order must keep meaning the same thing.
es::Status require_draft(const OrderState& state, std::string_view action) {
  if (state.status == OrderStatus::kNone) return reject("the order has not been placed");
  if (state.status != OrderStatus::kDraft) {
    return reject("cannot " + std::string(action) + " a " + std::string(status_name(state.status)) +
                  " order");
  }
  return es::Status::ok();
}

Decision place(const PlaceOrder& c, const OrderState& state) {
  if (state.status != OrderStatus::kNone) return reject("the order has already been placed");
  if (c.customer.empty()) return reject("an order needs a customer");
  if (c.warehouse.empty()) return reject("an order needs a warehouse to be fulfilled from");
  return just(OrderPlaced{c.customer, c.warehouse});
}

Decision add(const AddItem& c, const OrderState& state) {
  ES_RETURN_IF_ERROR(require_draft(state, "add items to"));
  if (c.sku.empty()) return reject("an item needs a SKU");
  if (c.quantity <= 0) return reject("the quantity must be positive");
  if (c.unit_price_cents < 0) return reject("a price must not be negative");
  if (auto line = state.lines.find(c.sku);
      line != state.lines.end() && line->second.unit_price_cents != c.unit_price_cents) {
    return reject(c.sku + " is already on the order at " +
                  std::to_string(line->second.unit_price_cents) + " cents a unit");
  }
  return just(ItemAdded{c.sku, c.quantity, c.unit_price_cents});
}

Decision remove(const RemoveItem& c, const OrderState& state) {
  ES_RETURN_IF_ERROR(require_draft(state, "remove items from"));
  if (!state.lines.contains(c.sku)) return reject(c.sku + " is not on the order");
  return just(ItemRemoved{c.sku});
}

Decision confirm(const ConfirmOrder& c, const OrderState& state) {
  ES_RETURN_IF_ERROR(require_draft(state, "confirm"));
  if (state.lines.empty()) return reject("cannot confirm an order without items");
  if (c.reserved != quantities_of(state)) {
    return reject("the stock reserved does not match the order's items");
  }
  return just(OrderConfirmed{total_of(state)});
}

Decision pay(const PayOrder& c, const OrderState& state) {
  switch (state.status) {
    case OrderStatus::kConfirmed:
      break;
    case OrderStatus::kNone:
      return reject("the order has not been placed");
    case OrderStatus::kDraft:
      return reject("cannot pay an order before it is confirmed");
    case OrderStatus::kPaid:
    case OrderStatus::kShipped:
      return reject("the order is already paid");
    case OrderStatus::kCancelled:
      return reject("cannot pay a cancelled order");
  }
  if (c.cents != state.total_cents) {
    return reject("the order's total is " + std::to_string(state.total_cents) + " cents, not " +
                  std::to_string(c.cents));
  }
  return just(OrderPaid{c.cents});
}

Decision ship(const ShipOrder& c, const OrderState& state) {
  if (c.tracking.empty()) return reject("a shipment needs a tracking number");
  switch (state.status) {
    case OrderStatus::kPaid:
      return just(OrderShipped{c.tracking});
    case OrderStatus::kShipped:
      // The same shipment again is a retry; another one is a mistake.
      if (c.tracking == state.tracking) return nothing();
      return reject("the order has already shipped as " + state.tracking);
    case OrderStatus::kNone:
      return reject("the order has not been placed");
    case OrderStatus::kCancelled:
      return reject("cannot ship a cancelled order");
    case OrderStatus::kDraft:
    case OrderStatus::kConfirmed:
      break;
  }
  return reject("cannot ship an unpaid order");
}

Decision cancel(const CancelOrder& c, const OrderState& state) {
  switch (state.status) {
    case OrderStatus::kNone:
      return reject("the order has not been placed");
    case OrderStatus::kShipped:
      return reject("cannot cancel a shipped order");
    case OrderStatus::kCancelled:
      return nothing();
    case OrderStatus::kDraft:
    case OrderStatus::kConfirmed:
    case OrderStatus::kPaid:
      break;
  }
  return just(OrderCancelled{c.reason});
}

}  // namespace

std::string_view status_name(OrderStatus status) {
  switch (status) {
    case OrderStatus::kNone:
      return "unplaced";
    case OrderStatus::kDraft:
      return "draft";
    case OrderStatus::kConfirmed:
      return "confirmed";
    case OrderStatus::kPaid:
      return "paid";
    case OrderStatus::kShipped:
      return "shipped";
    case OrderStatus::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

Quantities quantities_of(const OrderState& state) {
  Quantities out;
  for (const auto& [sku, line] : state.lines) out[sku] = line.quantity;
  return out;
}

std::int64_t total_of(const OrderState& state) {
  std::int64_t total = 0;
  for (const auto& [sku, line] : state.lines) total += line.quantity * line.unit_price_cents;
  return total;
}

OrderState Order::evolve(OrderState state, const OrderEvent& event) {
  std::visit(es::Overloaded{
                 [&](const OrderPlaced& e) {
                   state.status = OrderStatus::kDraft;
                   state.customer = e.customer;
                   state.warehouse = e.warehouse;
                 },
                 [&](const ItemAdded& e) {
                   OrderLine& line = state.lines[e.sku];
                   line.quantity += e.quantity;
                   line.unit_price_cents = e.unit_price_cents;
                 },
                 [&](const ItemRemoved& e) { state.lines.erase(e.sku); },
                 [&](const OrderConfirmed& e) {
                   state.status = OrderStatus::kConfirmed;
                   state.total_cents = e.total_cents;
                 },
                 [&](const OrderPaid&) { state.status = OrderStatus::kPaid; },
                 [&](const OrderShipped& e) {
                   state.status = OrderStatus::kShipped;
                   state.tracking = e.tracking;
                 },
                 [&](const OrderCancelled&) { state.status = OrderStatus::kCancelled; },
             },
             event);
  return state;
}

es::Result<std::vector<OrderEvent>> Order::decide(const OrderCommand& command,
                                                  const OrderState& state) {
  return std::visit(es::Overloaded{
                        [&](const PlaceOrder& c) { return place(c, state); },
                        [&](const AddItem& c) { return add(c, state); },
                        [&](const RemoveItem& c) { return remove(c, state); },
                        [&](const ConfirmOrder& c) { return confirm(c, state); },
                        [&](const PayOrder& c) { return pay(c, state); },
                        [&](const ShipOrder& c) { return ship(c, state); },
                        [&](const CancelOrder& c) { return cancel(c, state); },
                    },
                    command);
}

}  // namespace orders
