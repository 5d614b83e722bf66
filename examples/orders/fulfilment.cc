#include "orders/fulfilment.h"

#include <utility>

#include "es/core/uuid.h"
#include "es/domain/unit_of_work.h"

namespace orders {
namespace {

constexpr int kMaxAttempts = 3;

// One conversation and one command for both streams: the caller's, or new ones.
es::CommandContext one_conversation(es::CommandContext context) {
  if (context.command_id.empty()) context.command_id = es::Uuid::v7().to_string();
  if (context.correlation_id.empty()) context.correlation_id = context.command_id;
  return context;
}

}  // namespace

es::Status Fulfilment::in_one_append(std::string_view order_id, const es::CommandContext& context,
                                     const Decide& decide) {
  const es::CommandContext shared = one_conversation(context);
  for (int attempt = 1;; ++attempt) {
    auto order = orders_.load(order_id);
    if (!order) return order.error();
    auto stock = inventory_.load(order->state.warehouse);
    if (!stock) return stock.error();
    auto decided = decide(std::string(order_id), order->state, stock->state);
    if (!decided) return decided.error();
    es::UnitOfWork work(orders_.store(), shared);
    orders_.stage(work, *order, std::move(decided->order));
    inventory_.stage(work, *stock, std::move(decided->stock));
    es::Status committed = work.commit();
    if (committed.code() != es::StatusCode::kConflict || attempt == kMaxAttempts) return committed;
  }
}

es::Status Fulfilment::confirm(std::string_view order_id, es::CommandContext context) {
  return in_one_append(order_id, context,
                       [](const std::string& id, const OrderState& order,
                          const InventoryState& stock) -> es::Result<Decisions> {
                         const Quantities items = quantities_of(order);
                         auto confirmed = Order::decide(ConfirmOrder{items}, order);
                         if (!confirmed) return confirmed.error();
                         auto reserved = Inventory::decide(ReserveStock{id, items}, stock);
                         if (!reserved) return reserved.error();
                         return Decisions{std::move(*confirmed), std::move(*reserved)};
                       });
}

es::Status Fulfilment::cancel(std::string_view order_id, std::string reason,
                              es::CommandContext context) {
  return in_one_append(order_id, context,
                       [&reason](const std::string& id, const OrderState& order,
                                 const InventoryState& stock) -> es::Result<Decisions> {
                         auto cancelled = Order::decide(CancelOrder{reason}, order);
                         if (!cancelled) return cancelled.error();
                         auto released = Inventory::decide(ReleaseReservation{id}, stock);
                         if (!released) return released.error();
                         return Decisions{std::move(*cancelled), std::move(*released)};
                       });
}

es::Status Fulfilment::ship(std::string_view order_id, std::string tracking,
                            es::CommandContext context) {
  return in_one_append(order_id, context,
                       [&tracking](const std::string& id, const OrderState& order,
                                   const InventoryState& stock) -> es::Result<Decisions> {
                         auto shipped = Order::decide(ShipOrder{tracking}, order);
                         if (!shipped) return shipped.error();
                         auto dispatched = Inventory::decide(DispatchReservation{id}, stock);
                         if (!dispatched) return dispatched.error();
                         return Decisions{std::move(*shipped), std::move(*dispatched)};
                       });
}

}  // namespace orders
