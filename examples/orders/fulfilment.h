// Fulfilment: the flows that span an Order and the Inventory of its warehouse. Confirming an
// order reserves its stock and confirms it; cancelling releases the stock; shipping dispatches it.
//
// Each flow decides on both aggregates from one load of each and appends both decisions in one
// atomic append (es::UnitOfWork), so stock is never held for an unconfirmed order nor an order
// confirmed without its stock. When either stream moved between the load and the append, the
// flow loads both again and decides again, up to three times. Both streams get the same command
// id and correlation id.
//
// Thread safety: holds only references to the repositories; call any method from any thread.
//
//   es::Repository<orders::Order> orders(store);
//   es::Repository<orders::Inventory> inventory(store);
//   es::Status s = orders::Fulfilment(orders, inventory).confirm("o-1");
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

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

  // Reserves the draft order's items in its warehouse and confirms it. Rejected, with nothing
  // written, when the order cannot be confirmed or a SKU is short.
  es::Status confirm(std::string_view order_id, es::CommandContext context = {});
  // Cancels the order and releases whatever stock it holds.
  es::Status cancel(std::string_view order_id, std::string reason, es::CommandContext context = {});
  // Ships the paid order and dispatches its reserved stock from the warehouse.
  es::Status ship(std::string_view order_id, std::string tracking, es::CommandContext context = {});

 private:
  // What one flow decided for each stream.
  struct Decisions {
    std::vector<Order::EventVariant> order;
    std::vector<Inventory::EventVariant> stock;
  };
  using Decide = std::function<es::Result<Decisions>(const std::string& order_id, const OrderState&,
                                                     const InventoryState&)>;
  // Loads the order and its warehouse, decides, and appends both decisions atomically; retried
  // when either stream moved meanwhile.
  es::Status in_one_append(std::string_view order_id, const es::CommandContext& context,
                           const Decide& decide);

  es::Repository<Order>& orders_;
  es::Repository<Inventory>& inventory_;
};

}  // namespace orders
