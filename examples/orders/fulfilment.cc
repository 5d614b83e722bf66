#include "orders/fulfilment.h"

#include <utility>

#include "es/core/uuid.h"

namespace orders {
namespace {

// One conversation for both streams: the caller's, or a new one.
es::CommandContext one_conversation(es::CommandContext context) {
  if (context.correlation_id.empty()) {
    context.correlation_id =
        context.command_id.empty() ? es::Uuid::v7().to_string() : context.command_id;
  }
  return context;
}

es::Status status_of(const es::Result<es::Executed>& done) {
  return done ? es::Status::ok() : done.error();
}

}  // namespace

es::Status Fulfilment::confirm(std::string_view order_id, es::CommandContext context) {
  context = one_conversation(std::move(context));
  auto order = orders_.load(order_id);
  if (!order) return order.error();
  const ConfirmOrder confirmation{quantities_of(order->state)};
  // decide() is pure, so a dry run says whether the order can be confirmed before any stock is
  // held for it.
  if (auto dry_run = Order::decide(confirmation, order->state); !dry_run) return dry_run.error();

  const std::string& warehouse = order->state.warehouse;
  ES_RETURN_IF_ERROR(status_of(inventory_.execute(
      warehouse, ReserveStock{std::string(order_id), confirmation.reserved}, context)));
  auto confirmed = orders_.execute(order_id, confirmation, context);
  if (confirmed) return es::Status::ok();

  // The order changed after the load (an item added, or it was cancelled): give the stock back,
  // unless a concurrent confirm of the same items won and the reservation is now its.
  auto now = orders_.load(order_id);
  if (!now) return now.error();
  if (now->state.status == OrderStatus::kDraft || now->state.status == OrderStatus::kCancelled) {
    ES_RETURN_IF_ERROR(release(order_id, warehouse, context));
  }
  return confirmed.error();
}

es::Status Fulfilment::cancel(std::string_view order_id, std::string reason,
                              es::CommandContext context) {
  context = one_conversation(std::move(context));
  auto order = orders_.load(order_id);
  if (!order) return order.error();
  ES_RETURN_IF_ERROR(status_of(orders_.execute(order_id, CancelOrder{std::move(reason)}, context)));
  // Also releases a reservation left by a confirm that stopped before confirming the order.
  return release(order_id, order->state.warehouse, context);
}

es::Status Fulfilment::ship(std::string_view order_id, std::string tracking,
                            es::CommandContext context) {
  context = one_conversation(std::move(context));
  auto order = orders_.load(order_id);
  if (!order) return order.error();
  ES_RETURN_IF_ERROR(status_of(orders_.execute(order_id, ShipOrder{std::move(tracking)}, context)));
  return status_of(inventory_.execute(order->state.warehouse,
                                      DispatchReservation{std::string(order_id)}, context));
}

es::Status Fulfilment::release(std::string_view order_id, const std::string& warehouse,
                               const es::CommandContext& context) {
  return status_of(
      inventory_.execute(warehouse, ReleaseReservation{std::string(order_id)}, context));
}

}  // namespace orders
