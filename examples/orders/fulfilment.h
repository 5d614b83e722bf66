// Fulfilment: the flows that span an Order and the Inventory of its warehouse. Confirming an
// order reserves its stock and then confirms it; cancelling releases the stock; shipping
// dispatches it.
//
// Each flow is two decider execute() calls, one per stream, not one atomic append:
// Repository::save() batches only imperative aggregates of a single type, and the decider
// execute() writes one stream. So each flow writes in the order that leaves a half-done flow
// harmless — stock is reserved before the order is confirmed, and released or dispatched after
// the order is cancelled or shipped — and every step is a no-op when already done, so running a
// flow again finishes it. Both writes share one correlation id.
//
// Thread safety: holds only references to the repositories; call any method from any thread.
//
//   es::Repository<orders::Order> orders(store);
//   es::Repository<orders::Inventory> inventory(store);
//   es::Status s = orders::Fulfilment(orders, inventory).confirm("o-1");
#pragma once

#include <string>
#include <string_view>

#include "es/core/status.h"
#include "es/domain/command_context.h"
#include "es/domain/repository.h"
#include "orders/inventory.h"
#include "orders/order.h"

namespace orders {

class Fulfilment {
 public:
  Fulfilment(es::Repository<Order>& orders, es::Repository<Inventory>& inventory)
      : orders_(orders), inventory_(inventory) {}

  // Reserves the draft order's items in its warehouse, then confirms it. Rejected, with no stock
  // held for it, when the order cannot be confirmed or a SKU is short.
  es::Status confirm(std::string_view order_id, es::CommandContext context = {});
  // Cancels the order, then releases whatever stock it holds.
  es::Status cancel(std::string_view order_id, std::string reason, es::CommandContext context = {});
  // Ships the paid order, then dispatches its reserved stock from the warehouse.
  es::Status ship(std::string_view order_id, std::string tracking, es::CommandContext context = {});

 private:
  es::Status release(std::string_view order_id, const std::string& warehouse,
                     const es::CommandContext& context);

  es::Repository<Order>& orders_;
  es::Repository<Inventory>& inventory_;
};

}  // namespace orders
