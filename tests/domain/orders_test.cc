// The orders example: every decide rule of the Order and the Inventory deciders as a test-kit
// scenario, then the fulfilment flows across both streams through repositories on both backends,
// with snapshot loads compared against full replay.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "es/domain/json_codec.h"
#include "es/domain/repository.h"
#include "es/domain/test_kit.h"
#include "es/store/memory_store.h"
#include "es/store/sqlite_store.h"
#include "orders/fulfilment.h"
#include "orders/inventory.h"
#include "orders/order.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

using namespace orders;

// An order for ada from the lisbon warehouse with two mugs at 12.50 and a tea at 4.50.
std::vector<OrderEvent> draft() {
  return {OrderPlaced{"ada", "lisbon"}, ItemAdded{"mug", 2, 1'250}, ItemAdded{"tea", 1, 450}};
}
std::vector<OrderEvent> draft_then(std::vector<OrderEvent> more) {
  std::vector<OrderEvent> events = draft();
  events.insert(events.end(), more.begin(), more.end());
  return events;
}
const Quantities kDraftItems{{"mug", 2}, {"tea", 1}};
constexpr std::int64_t kDraftTotal = 2 * 1'250 + 450;

TEST(OrderDecider, PlacesAnOrderOnce) {
  EXPECT_TRUE(scenario<Order>()
                  .given({})
                  .when(PlaceOrder{"ada", "lisbon"})
                  .then({OrderPlaced{"ada", "lisbon"}}));
  EXPECT_TRUE(scenario<Order>()
                  .given({OrderPlaced{"ada", "lisbon"}})
                  .when(PlaceOrder{"ada", "lisbon"})
                  .then_error(StatusCode::kRejected, "already been placed"));
  EXPECT_TRUE(scenario<Order>()
                  .given({})
                  .when(PlaceOrder{"", "lisbon"})
                  .then_error(StatusCode::kRejected, "needs a customer"));
  EXPECT_TRUE(scenario<Order>()
                  .given({})
                  .when(PlaceOrder{"ada", ""})
                  .then_error(StatusCode::kRejected, "needs a warehouse"));
}

TEST(OrderDecider, AddsItemsToADraft) {
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(AddItem{"pot", 1, 3'000})
                  .then({ItemAdded{"pot", 1, 3'000}}));
  // The same SKU at the same price adds to its line.
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(AddItem{"mug", 3, 1'250})
                  .then({ItemAdded{"mug", 3, 1'250}}));
}

TEST(OrderDecider, RejectsItemsThatDoNotMakeSense) {
  EXPECT_TRUE(scenario<Order>()
                  .given({})
                  .when(AddItem{"mug", 1, 1'250})
                  .then_error(StatusCode::kRejected, "has not been placed"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(AddItem{"", 1, 1'250})
                  .then_error(StatusCode::kRejected, "needs a SKU"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(AddItem{"mug", 0, 1'250})
                  .then_error(StatusCode::kRejected, "quantity must be positive"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(AddItem{"pot", 1, -1})
                  .then_error(StatusCode::kRejected, "must not be negative"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(AddItem{"mug", 1, 999})
                  .then_error(StatusCode::kRejected, "mug is already on the order at 1250 cents"));
}

TEST(OrderDecider, CannotAddItemsToAConfirmedOrder) {
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then({OrderConfirmed{kDraftTotal}}))
                  .when(AddItem{"pot", 1, 3'000})
                  .then_error(StatusCode::kRejected, "cannot add items to a confirmed order"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then({OrderCancelled{"changed my mind"}}))
                  .when(AddItem{"pot", 1, 3'000})
                  .then_error(StatusCode::kRejected, "cannot add items to a cancelled order"));
}

TEST(OrderDecider, RemovesOnlyItemsOfADraft) {
  EXPECT_TRUE(scenario<Order>().given(draft()).when(RemoveItem{"tea"}).then({ItemRemoved{"tea"}}));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(RemoveItem{"pot"})
                  .then_error(StatusCode::kRejected, "pot is not on the order"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then({OrderConfirmed{kDraftTotal}}))
                  .when(RemoveItem{"tea"})
                  .then_error(StatusCode::kRejected, "cannot remove items from a confirmed order"));
}

TEST(OrderDecider, ConfirmsADraftWithItsReservedStockAndFixesTheTotal) {
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(ConfirmOrder{kDraftItems})
                  .then({OrderConfirmed{kDraftTotal}}));
  EXPECT_TRUE(scenario<Order>()
                  .given({OrderPlaced{"ada", "lisbon"}})
                  .when(ConfirmOrder{{}})
                  .then_error(StatusCode::kRejected, "without items"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(ConfirmOrder{{{"mug", 2}}})
                  .then_error(StatusCode::kRejected, "does not match the order's items"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then({OrderConfirmed{kDraftTotal}}))
                  .when(ConfirmOrder{kDraftItems})
                  .then_error(StatusCode::kRejected, "cannot confirm a confirmed order"));
  EXPECT_TRUE(scenario<Order>()
                  .given({})
                  .when(ConfirmOrder{kDraftItems})
                  .then_error(StatusCode::kRejected, "has not been placed"));
}

TEST(OrderDecider, TakesExactlyTheTotalOfAConfirmedOrder) {
  const auto confirmed = draft_then({OrderConfirmed{kDraftTotal}});
  EXPECT_TRUE(scenario<Order>()
                  .given(confirmed)
                  .when(PayOrder{kDraftTotal})
                  .then({OrderPaid{kDraftTotal}}));
  EXPECT_TRUE(scenario<Order>()
                  .given(confirmed)
                  .when(PayOrder{kDraftTotal - 1})
                  .then_error(StatusCode::kRejected, "total is 2950 cents, not 2949"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(PayOrder{kDraftTotal})
                  .then_error(StatusCode::kRejected, "before it is confirmed"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then({OrderConfirmed{kDraftTotal}, OrderPaid{kDraftTotal}}))
                  .when(PayOrder{kDraftTotal})
                  .then_error(StatusCode::kRejected, "already paid"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then({OrderConfirmed{kDraftTotal}, OrderCancelled{""}}))
                  .when(PayOrder{kDraftTotal})
                  .then_error(StatusCode::kRejected, "cannot pay a cancelled order"));
}

TEST(OrderDecider, CannotShipAnUnpaidOrder) {
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then({OrderConfirmed{kDraftTotal}}))
                  .when(ShipOrder{"PT-1"})
                  .then_error(StatusCode::kRejected, "cannot ship an unpaid order"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft())
                  .when(ShipOrder{"PT-1"})
                  .then_error(StatusCode::kRejected, "cannot ship an unpaid order"));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then({OrderCancelled{""}}))
                  .when(ShipOrder{"PT-1"})
                  .then_error(StatusCode::kRejected, "cannot ship a cancelled order"));
}

TEST(OrderDecider, ShipsAPaidOrderOnceAndTreatsTheSameShipmentAsARetry) {
  const auto paid = draft_then({OrderConfirmed{kDraftTotal}, OrderPaid{kDraftTotal}});
  EXPECT_TRUE(scenario<Order>().given(paid).when(ShipOrder{"PT-1"}).then({OrderShipped{"PT-1"}}));
  EXPECT_TRUE(scenario<Order>()
                  .given(paid)
                  .when(ShipOrder{""})
                  .then_error(StatusCode::kRejected, "needs a tracking number"));
  auto shipped = paid;
  shipped.emplace_back(OrderShipped{"PT-1"});
  EXPECT_TRUE(scenario<Order>().given(shipped).when(ShipOrder{"PT-1"}).then({}));
  EXPECT_TRUE(scenario<Order>()
                  .given(shipped)
                  .when(ShipOrder{"PT-2"})
                  .then_error(StatusCode::kRejected, "already shipped as PT-1"));
}

TEST(OrderDecider, CancelsUntilTheOrderShips) {
  EXPECT_TRUE(
      scenario<Order>().given(draft()).when(CancelOrder{"late"}).then({OrderCancelled{"late"}}));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then({OrderConfirmed{kDraftTotal}, OrderPaid{kDraftTotal}}))
                  .when(CancelOrder{"late"})
                  .then({OrderCancelled{"late"}}));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then({OrderCancelled{"late"}}))
                  .when(CancelOrder{"again"})
                  .then({}));
  EXPECT_TRUE(scenario<Order>()
                  .given(draft_then(
                      {OrderConfirmed{kDraftTotal}, OrderPaid{kDraftTotal}, OrderShipped{"PT-1"}}))
                  .when(CancelOrder{"late"})
                  .then_error(StatusCode::kRejected, "cannot cancel a shipped order"));
  EXPECT_TRUE(scenario<Order>()
                  .given({})
                  .when(CancelOrder{"late"})
                  .then_error(StatusCode::kRejected, "has not been placed"));
}

TEST(OrderDecider, EvolveFoldsTheLinesAndTheLifecycle) {
  OrderState s = Order::initial();
  for (const OrderEvent& e :
       draft_then({ItemAdded{"mug", 1, 1'250}, ItemRemoved{"tea"}, OrderConfirmed{3'750}})) {
    s = Order::evolve(std::move(s), e);
  }
  EXPECT_EQ(s.status, OrderStatus::kConfirmed);
  EXPECT_EQ(s.customer, "ada");
  EXPECT_EQ(s.warehouse, "lisbon");
  EXPECT_EQ(quantities_of(s), (Quantities{{"mug", 3}}));
  EXPECT_EQ(total_of(s), 3'750);
  EXPECT_EQ(s.total_cents, 3'750);
}

std::vector<InventoryEvent> stocked() { return {StockReceived{"mug", 5}, StockReceived{"tea", 1}}; }
std::vector<InventoryEvent> stocked_then(std::vector<InventoryEvent> more) {
  std::vector<InventoryEvent> events = stocked();
  events.insert(events.end(), more.begin(), more.end());
  return events;
}

TEST(InventoryDecider, ReceivesPositiveDeliveries) {
  EXPECT_TRUE(
      scenario<Inventory>().given({}).when(ReceiveStock{"mug", 5}).then({StockReceived{"mug", 5}}));
  EXPECT_TRUE(scenario<Inventory>()
                  .given({})
                  .when(ReceiveStock{"mug", 0})
                  .then_error(StatusCode::kRejected, "must be positive"));
  EXPECT_TRUE(scenario<Inventory>()
                  .given({})
                  .when(ReceiveStock{"", 3})
                  .then_error(StatusCode::kRejected, "needs a SKU"));
}

TEST(InventoryDecider, ReservesAllOfAnOrderWhenEverySkuHasEnough) {
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked())
                  .when(ReserveStock{"o-1", kDraftItems})
                  .then({StockReserved{"o-1", kDraftItems}}));
}

TEST(InventoryDecider, CannotReserveMoreStockThanAvailable) {
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked())
                  .when(ReserveStock{"o-1", {{"mug", 6}}})
                  .then_error(StatusCode::kRejected, "cannot reserve 6 of mug for order o-1: 5"));
  // Units reserved by one order are not available to another, though still on hand.
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked_then({StockReserved{"o-1", {{"mug", 4}}}}))
                  .when(ReserveStock{"o-2", {{"mug", 2}}})
                  .then_error(StatusCode::kRejected, "1 available"));
  // All or nothing: the mugs are there, the pot is not, so nothing is reserved.
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked())
                  .when(ReserveStock{"o-1", {{"mug", 1}, {"pot", 1}}})
                  .then_error(StatusCode::kRejected, "of pot for order o-1: 0 available"));
}

TEST(InventoryDecider, RejectsEmptyReservations) {
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked())
                  .when(ReserveStock{"o-1", {}})
                  .then_error(StatusCode::kRejected, "reserves nothing"));
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked())
                  .when(ReserveStock{"o-1", {{"mug", 0}}})
                  .then_error(StatusCode::kRejected, "reserves no units of mug"));
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked())
                  .when(ReserveStock{"", {{"mug", 1}}})
                  .then_error(StatusCode::kRejected, "needs an order id"));
}

TEST(InventoryDecider, ReservingWhatAnOrderHoldsIsARetryAndAnythingElseIsRejected) {
  const auto held = stocked_then({StockReserved{"o-1", kDraftItems}});
  EXPECT_TRUE(scenario<Inventory>().given(held).when(ReserveStock{"o-1", kDraftItems}).then({}));
  EXPECT_TRUE(scenario<Inventory>()
                  .given(held)
                  .when(ReserveStock{"o-1", {{"mug", 1}}})
                  .then_error(StatusCode::kRejected, "already holds a different reservation"));
}

TEST(InventoryDecider, ReleasesAReservationWithWhatItHeld) {
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked_then({StockReserved{"o-1", kDraftItems}}))
                  .when(ReleaseReservation{"o-1"})
                  .then({ReservationReleased{"o-1", kDraftItems}}));
  EXPECT_TRUE(scenario<Inventory>().given(stocked()).when(ReleaseReservation{"o-1"}).then({}));
  // Released units can be reserved again.
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked_then({StockReserved{"o-1", {{"mug", 5}}},
                                       ReservationReleased{"o-1", {{"mug", 5}}}}))
                  .when(ReserveStock{"o-2", {{"mug", 5}}})
                  .then({StockReserved{"o-2", {{"mug", 5}}}}));
}

TEST(InventoryDecider, DispatchesAReservationAndTheUnitsLeaveTheWarehouse) {
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked_then({StockReserved{"o-1", kDraftItems}}))
                  .when(DispatchReservation{"o-1"})
                  .then({StockDispatched{"o-1", kDraftItems}}));
  EXPECT_TRUE(scenario<Inventory>().given(stocked()).when(DispatchReservation{"o-1"}).then({}));
  EXPECT_TRUE(scenario<Inventory>()
                  .given(stocked_then(
                      {StockReserved{"o-1", {{"mug", 5}}}, StockDispatched{"o-1", {{"mug", 5}}}}))
                  .when(ReserveStock{"o-2", {{"mug", 1}}})
                  .then_error(StatusCode::kRejected, "0 available"));
}

TEST(InventoryDecider, EvolveTracksOnHandReservedAndAvailable) {
  InventoryState s = Inventory::initial();
  for (const InventoryEvent& e :
       stocked_then({StockReserved{"o-1", {{"mug", 2}}}, StockReserved{"o-2", {{"mug", 1}}},
                     StockDispatched{"o-1", {{"mug", 2}}}})) {
    s = Inventory::evolve(std::move(s), e);
  }
  EXPECT_EQ(s.stock.at("mug").on_hand, 3);
  EXPECT_EQ(s.stock.at("mug").reserved, 1);
  EXPECT_EQ(available(s, "mug"), 2);
  EXPECT_EQ(available(s, "pot"), 0);
  EXPECT_EQ(s.reservations.size(), 1U);
  EXPECT_EQ(s.reservations.at("o-2"), (Quantities{{"mug", 1}}));
}

class OrdersRepositoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = make_memory_store();
      snapshots_ = make_memory_snapshot_store();
    } else {
      auto store = open_sqlite(dir_.file("orders.db"));
      auto snapshots = open_sqlite_snapshot_store(dir_.file("orders.db"));
      ASSERT_TRUE(store && snapshots);
      store_ = std::move(*store);
      snapshots_ = std::move(*snapshots);
    }
    orders_ = std::make_unique<Repository<Order>>(*store_);
    inventory_ = std::make_unique<Repository<Inventory>>(*store_);
    fulfilment_ = std::make_unique<Fulfilment>(*orders_, *inventory_);
  }

  // Runs `command` and reports its status, for ASSERT_TRUE(...).is_ok() chains.
  template <typename D>
  static Status run(Repository<D>& repo, std::string_view id, typename D::Command command) {
    auto done = repo.execute(id, command);
    return done ? Status::ok() : done.error();
  }
  Status stock(std::string_view sku, std::int64_t quantity) {
    return run(*inventory_, "lisbon", ReceiveStock{std::string(sku), quantity});
  }
  Status draft_order(std::string_view id) {
    ES_RETURN_IF_ERROR(run(*orders_, id, PlaceOrder{"ada", "lisbon"}));
    ES_RETURN_IF_ERROR(run(*orders_, id, AddItem{"mug", 2, 1'250}));
    return run(*orders_, id, AddItem{"tea", 1, 450});
  }
  InventoryState warehouse() { return inventory_->load("lisbon")->state; }
  OrderState order(std::string_view id) { return orders_->load(id)->state; }

  TempDir dir_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<SnapshotStore> snapshots_;
  std::unique_ptr<Repository<Order>> orders_;
  std::unique_ptr<Repository<Inventory>> inventory_;
  std::unique_ptr<Fulfilment> fulfilment_;
};

TEST_P(OrdersRepositoryTest, AnOrderIsConfirmedPaidAndShippedAgainstTheWarehouse) {
  ASSERT_TRUE(stock("mug", 5).is_ok());
  ASSERT_TRUE(stock("tea", 3).is_ok());
  ASSERT_TRUE(draft_order("o-1").is_ok());

  const Status confirmed = fulfilment_->confirm("o-1", {.correlation_id = "checkout-7"});
  ASSERT_TRUE(confirmed.is_ok()) << confirmed.to_string();
  EXPECT_EQ(order("o-1").status, OrderStatus::kConfirmed);
  EXPECT_EQ(order("o-1").total_cents, kDraftTotal);
  EXPECT_EQ(available(warehouse(), "mug"), 3);
  EXPECT_EQ(warehouse().reservations.at("o-1"), kDraftItems);
  // The reservation and the confirmation are one conversation across the two streams.
  auto reserved = store_->read_stream("inventory-lisbon")->events.back();
  auto confirmation = store_->read_stream("order-o-1")->events.back();
  EXPECT_EQ(reserved.type, "inventory.StockReserved");
  EXPECT_EQ(confirmation.type, "orders.OrderConfirmed");
  EXPECT_NE(reserved.metadata.find(R"("correlation_id":"checkout-7")"), std::string::npos);
  EXPECT_NE(confirmation.metadata.find(R"("correlation_id":"checkout-7")"), std::string::npos);

  EXPECT_EQ(fulfilment_->ship("o-1", "PT-1").code(), StatusCode::kRejected);  // unpaid
  ASSERT_TRUE(run(*orders_, "o-1", PayOrder{kDraftTotal}).is_ok());
  ASSERT_TRUE(fulfilment_->ship("o-1", "PT-1").is_ok());
  EXPECT_EQ(order("o-1").status, OrderStatus::kShipped);
  EXPECT_EQ(warehouse().stock.at("mug").on_hand, 3);
  EXPECT_EQ(warehouse().stock.at("mug").reserved, 0);
  EXPECT_TRUE(warehouse().reservations.empty());
  // Shipping again is a retry: no new events in either stream.
  ASSERT_TRUE(fulfilment_->ship("o-1", "PT-1").is_ok());
  EXPECT_EQ(store_->stream_info("order-o-1")->version, 6);
  EXPECT_EQ(store_->stream_info("inventory-lisbon")->version, 4);
}

TEST_P(OrdersRepositoryTest, ShortStockRejectsTheConfirmationAndHoldsNothing) {
  ASSERT_TRUE(stock("mug", 1).is_ok());
  ASSERT_TRUE(stock("tea", 1).is_ok());
  ASSERT_TRUE(draft_order("o-1").is_ok());
  const Status s = fulfilment_->confirm("o-1");
  EXPECT_EQ(s.code(), StatusCode::kRejected);
  EXPECT_NE(s.message().find("cannot reserve 2 of mug"), std::string_view::npos) << s.to_string();
  EXPECT_EQ(order("o-1").status, OrderStatus::kDraft);
  EXPECT_EQ(store_->stream_info("inventory-lisbon")->version, 2);
}

TEST_P(OrdersRepositoryTest, AnOrderThatCannotBeConfirmedReservesNothing) {
  ASSERT_TRUE(stock("mug", 5).is_ok());
  ASSERT_TRUE(run(*orders_, "o-1", PlaceOrder{"ada", "lisbon"}).is_ok());
  EXPECT_EQ(fulfilment_->confirm("o-1").code(), StatusCode::kRejected);  // no items
  EXPECT_EQ(fulfilment_->confirm("o-2").code(), StatusCode::kRejected);  // never placed
  EXPECT_EQ(store_->stream_info("inventory-lisbon")->version, 1);
}

TEST_P(OrdersRepositoryTest, CancellingAConfirmedOrderReleasesItsStock) {
  ASSERT_TRUE(stock("mug", 2).is_ok());
  ASSERT_TRUE(stock("tea", 1).is_ok());
  ASSERT_TRUE(draft_order("o-1").is_ok());
  ASSERT_TRUE(fulfilment_->confirm("o-1").is_ok());
  EXPECT_EQ(available(warehouse(), "mug"), 0);
  ASSERT_TRUE(fulfilment_->cancel("o-1", "changed my mind").is_ok());
  EXPECT_EQ(order("o-1").status, OrderStatus::kCancelled);
  EXPECT_EQ(available(warehouse(), "mug"), 2);
  EXPECT_TRUE(warehouse().reservations.empty());
  // The released units serve the next order.
  ASSERT_TRUE(draft_order("o-2").is_ok());
  EXPECT_TRUE(fulfilment_->confirm("o-2").is_ok());
}

TEST_P(OrdersRepositoryTest, AConfirmWhoseStockIsAlreadyReservedHoldsItOnce) {
  ASSERT_TRUE(stock("mug", 2).is_ok());
  ASSERT_TRUE(stock("tea", 1).is_ok());
  ASSERT_TRUE(draft_order("o-1").is_ok());
  // The order's items reserved on their own beforehand (say, by a warehouse clerk).
  ASSERT_TRUE(run(*inventory_, "lisbon", ReserveStock{"o-1", kDraftItems}).is_ok());
  ASSERT_TRUE(fulfilment_->confirm("o-1").is_ok());
  EXPECT_EQ(order("o-1").status, OrderStatus::kConfirmed);
  EXPECT_EQ(warehouse().stock.at("mug").reserved, 2);  // held once, not twice
  EXPECT_EQ(store_->stream_info("inventory-lisbon")->version, 3);
}

TEST_P(OrdersRepositoryTest, CancelReleasesAReservationLeftForADraft) {
  ASSERT_TRUE(stock("mug", 2).is_ok());
  ASSERT_TRUE(stock("tea", 1).is_ok());
  ASSERT_TRUE(draft_order("o-1").is_ok());
  ASSERT_TRUE(run(*inventory_, "lisbon", ReserveStock{"o-1", kDraftItems}).is_ok());
  // The draft changed after its stock was reserved: the old reservation no longer fits.
  ASSERT_TRUE(run(*orders_, "o-1", RemoveItem{"tea"}).is_ok());
  EXPECT_EQ(fulfilment_->confirm("o-1").code(), StatusCode::kRejected);
  ASSERT_TRUE(fulfilment_->cancel("o-1", "gave up").is_ok());
  EXPECT_TRUE(warehouse().reservations.empty());
  EXPECT_EQ(available(warehouse(), "mug"), 2);
}

TEST_P(OrdersRepositoryTest, ConcurrentReservationsNeverOversellAWarehouse) {
  Repository<Inventory> inventory(*store_, {.max_attempts = 100});
  ASSERT_TRUE(stock("mug", 15).is_ok());
  std::vector<std::thread> threads;
  std::vector<int> reserved(4, 0);
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const std::string id = "o-" + std::to_string(t) + "-" + std::to_string(i);
        auto done = inventory.execute("lisbon", ReserveStock{id, {{"mug", 1}}});
        if (done) {
          ++reserved[t];
        } else {
          EXPECT_EQ(done.error().code(), StatusCode::kRejected) << done.error().to_string();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(reserved[0] + reserved[1] + reserved[2] + reserved[3], 15);
  EXPECT_EQ(available(warehouse(), "mug"), 0);
  EXPECT_EQ(warehouse().reservations.size(), 15U);
}

TEST_P(OrdersRepositoryTest, SnapshotLoadsEqualAFullReplay) {
  Repository<Order> snapped_orders(*store_, {.snapshot_every = 3, .snapshots = snapshots_.get()});
  Repository<Inventory> snapped_inventory(*store_,
                                          {.snapshot_every = 4, .snapshots = snapshots_.get()});
  Fulfilment fulfilment(snapped_orders, snapped_inventory);
  for (const char* sku : {"mug", "tea", "pot"}) {
    ASSERT_TRUE(snapped_inventory.execute("lisbon", ReceiveStock{sku, 10}));
  }
  for (const std::string id : {"o-1", "o-2", "o-3"}) {
    ASSERT_TRUE(snapped_orders.execute(id, PlaceOrder{"ada", "lisbon"}));
    ASSERT_TRUE(snapped_orders.execute(id, AddItem{"mug", 2, 1'250}));
    ASSERT_TRUE(snapped_orders.execute(id, AddItem{"pot", 1, 3'000}));
    ASSERT_TRUE(fulfilment.confirm(id).is_ok());
  }
  ASSERT_TRUE(fulfilment.cancel("o-2", "late").is_ok());
  ASSERT_TRUE(snapped_orders.execute("o-1", PayOrder{5'500}));
  ASSERT_TRUE(fulfilment.ship("o-1", "PT-1").is_ok());
  EXPECT_GE(snapped_orders.stats().snapshots_taken, 3U);
  EXPECT_GE(snapped_inventory.stats().snapshots_taken, 1U);

  const auto before_inventory = snapped_inventory.stats();
  auto fast = snapped_inventory.load("lisbon");
  auto full = inventory_->load("lisbon");
  ASSERT_TRUE(fast && full);
  EXPECT_EQ(snapped_inventory.stats().snapshot_loads, before_inventory.snapshot_loads + 1);
  EXPECT_EQ(json_encode(fast->state), json_encode(full->state));
  EXPECT_EQ(fast->version, full->version);
  EXPECT_EQ(available(fast->state, "mug"), 6);
  EXPECT_EQ(fast->state.stock.at("mug").on_hand, 8);

  for (const std::string id : {"o-1", "o-2", "o-3"}) {
    const auto before = snapped_orders.stats();
    auto fast_order = snapped_orders.load(id);
    auto full_order = orders_->load(id);
    ASSERT_TRUE(fast_order && full_order);
    EXPECT_EQ(snapped_orders.stats().snapshot_loads, before.snapshot_loads + 1) << id;
    EXPECT_EQ(json_encode(fast_order->state), json_encode(full_order->state)) << id;
    EXPECT_EQ(fast_order->version, full_order->version) << id;
  }
  EXPECT_EQ(snapped_orders.load("o-1")->state.status, OrderStatus::kShipped);
  EXPECT_EQ(snapped_orders.load("o-2")->state.status, OrderStatus::kCancelled);
  EXPECT_EQ(snapped_orders.load("o-3")->state.status, OrderStatus::kConfirmed);
  // An older version loads from the events, not from the newer snapshot.
  EXPECT_EQ(snapped_orders.load("o-1", AtVersion{3})->state.status, OrderStatus::kDraft);
}

INSTANTIATE_TEST_SUITE_P(Backends, OrdersRepositoryTest, ::testing::Values("memory", "sqlite"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace es::testing
