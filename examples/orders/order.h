// The orders example's Order, in the decider style (es/domain/aggregate.h): its events, commands
// and state, and the pure functions initial / evolve / decide. An order is placed for one
// warehouse and is a draft while items are added; it is confirmed once its stock is reserved there
// (fulfilment.h does both), then paid, then shipped, and may be cancelled until it ships. Money is
// in cents.
//
// Thread safety: stateless functions over values.
//
//   es::Repository<orders::Order> orders(store);
//   auto added = orders.execute("o-1", orders::AddItem{"sku-tea", 2, 450});
//   auto state = orders::Order::evolve(orders::Order::initial(), orders::OrderPlaced{"ada", "w"});
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

struct OrderPlaced {
  std::string customer;
  std::string warehouse;
};
struct ItemAdded {
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;
};
struct ItemRemoved {
  std::string sku;
};
struct OrderConfirmed {
  std::int64_t total_cents = 0;
};
struct OrderPaid {
  std::int64_t cents = 0;
};
struct OrderShipped {
  std::string tracking;
};
struct OrderCancelled {
  std::string reason;
};

ES_EVENT(OrderPlaced, "orders.OrderPlaced", 1, customer, warehouse)
ES_EVENT(ItemAdded, "orders.ItemAdded", 1, sku, quantity, unit_price_cents)
ES_EVENT(ItemRemoved, "orders.ItemRemoved", 1, sku)
ES_EVENT(OrderConfirmed, "orders.OrderConfirmed", 1, total_cents)
ES_EVENT(OrderPaid, "orders.OrderPaid", 1, cents)
ES_EVENT(OrderShipped, "orders.OrderShipped", 1, tracking)
ES_EVENT(OrderCancelled, "orders.OrderCancelled", 1, reason)

using OrderEvent = std::variant<OrderPlaced, ItemAdded, ItemRemoved, OrderConfirmed, OrderPaid,
                                OrderShipped, OrderCancelled>;

// Opens the order for `customer`, to be fulfilled from `warehouse`.
struct PlaceOrder {
  std::string customer;
  std::string warehouse;
};
// Adds units of a SKU; adding a SKU already on the order adds to its quantity, at the same price.
struct AddItem {
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;
};
struct RemoveItem {
  std::string sku;
};
// Confirms the draft whose stock is held for exactly `reserved`: the check that the order did not
// change between the reservation and the confirmation.
struct ConfirmOrder {
  Quantities reserved;
};
// Pays the confirmed order's total, exactly.
struct PayOrder {
  std::int64_t cents = 0;
};
// Ships the paid order; shipping it again with the same tracking number does nothing.
struct ShipOrder {
  std::string tracking;
};
// Cancels the order unless it has shipped; cancelling it again does nothing.
struct CancelOrder {
  std::string reason;
};

using OrderCommand =
    std::variant<PlaceOrder, AddItem, RemoveItem, ConfirmOrder, PayOrder, ShipOrder, CancelOrder>;

// Where an order is in its life; stored as its integer in snapshots, so never renumber.
enum class OrderStatus : std::uint8_t {
  kNone = 0,  // not placed yet
  kDraft = 1,
  kConfirmed = 2,
  kPaid = 3,
  kShipped = 4,
  kCancelled = 5,
};

// "draft", "confirmed", …: the word used in rejections.
std::string_view status_name(OrderStatus status);

struct OrderLine {
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;
};
ES_FIELDS(OrderLine, quantity, unit_price_cents)

struct OrderState {
  OrderStatus status = OrderStatus::kNone;
  std::string customer;
  std::string warehouse;
  std::map<std::string, OrderLine> lines;  // by SKU
  std::int64_t total_cents = 0;            // fixed when the order is confirmed
  std::string tracking;
};
ES_FIELDS(OrderState, status, customer, warehouse, lines, total_cents, tracking)

// The units per SKU of the order's lines: what confirming it must reserve.
Quantities quantities_of(const OrderState& state);
// The sum of the lines' quantity × unit price.
std::int64_t total_of(const OrderState& state);

struct Order {
  using State = OrderState;
  using EventVariant = OrderEvent;
  using Command = OrderCommand;
  static constexpr std::string_view kCategory = "order";  // streams are "order-<id>"
  static constexpr std::int32_t kSnapshotVersion = 1;

  static State initial() { return {}; }
  static State evolve(State state, const EventVariant& event);
  // The events `command` causes in `state`, or a kRejected status saying why it may not run.
  static es::Result<std::vector<EventVariant>> decide(const Command& command, const State& state);
};

}  // namespace orders
