// The global feed: append order, exclusive `from`, paging with next/end, filters (DESIGN §3, §6).
#include <algorithm>

#include "conformance/backends.h"

namespace es::testing {
namespace {

class ReadAll : public StoreTest {
 protected:
  AllSlice read(const ReadAllOptions& options) {
    auto slice = store().read_all(options);
    EXPECT_TRUE(slice.has_value()) << slice.error().to_string();
    return slice.value_or(AllSlice{});
  }
  // Every event matching `filter`, paging with `page_size` until end.
  std::vector<RecordedEvent> read_paged(const EventFilter& filter, std::uint64_t page_size) {
    std::vector<RecordedEvent> out;
    Position from = Position::start();
    for (int guard = 0; guard < 10'000; ++guard) {
      const AllSlice page = read({.from = from, .max_count = page_size, .filter = filter});
      EXPECT_LE(page.events.size(), page_size);
      out.insert(out.end(), page.events.begin(), page.events.end());
      if (!page.end) {
        EXPECT_FALSE(page.events.empty()) << "a page that is not the end holds events";
        if (page.events.empty()) break;
        EXPECT_EQ(page.next, page.events.back().position);
      }
      if (page.end) break;
      EXPECT_GT(page.next, from) << "paging made no progress";
      from = page.next;
    }
    return out;
  }
  Position head() { return store().head_position().value_or(Position{}); }
};

TEST_P(ReadAll, EmptyStoreReadsAsEmptyAtTheStart) {
  const AllSlice page = read({});
  EXPECT_TRUE(page.events.empty());
  EXPECT_TRUE(page.end);
  EXPECT_EQ(page.next, Position::start());
  EXPECT_EQ(head(), Position::start());
}

TEST_P(ReadAll, OrderIsAppendOrderWithStrictlyIncreasingPositions) {
  std::vector<Uuid> appended;
  std::vector<Position> acknowledged;
  for (int i = 0; i < 30; ++i) {
    const std::string stream = "s-" + std::to_string(i % 4);
    const auto events = make_events(static_cast<std::size_t>(1 + i % 3));
    auto r = store().append(stream, ExpectedVersion::any(), events);
    ES_ASSERT_OK(r);
    for (const auto& id : ids_of(events)) appended.push_back(id);
    acknowledged.push_back(r->first_position);
    acknowledged.push_back(r->last_position);
  }
  const auto all = read_everything(store());
  EXPECT_EQ(ids_of(all), appended);
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_GT(all[i].position, all[i - 1].position);
    EXPECT_GE(all[i].recorded_at, all[i - 1].recorded_at) << "recorded_at went backwards";
  }
  EXPECT_TRUE(std::is_sorted(acknowledged.begin(), acknowledged.end()));
  EXPECT_EQ(head(), all.back().position);
}

TEST_P(ReadAll, AppendResultPositionsAreTheEventsPositions) {
  auto r = store().append("s", ExpectedVersion::any(), make_events(3));
  ES_ASSERT_OK(r);
  const auto all = read_everything(store());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all.front().position, r->first_position);
  EXPECT_EQ(all.back().position, r->last_position);
}

TEST_P(ReadAll, FromIsExclusive) {
  append_events("a", 5);
  const auto all = read_everything(store());
  ASSERT_EQ(all.size(), 5u);
  const AllSlice after_second = read({.from = all[1].position});
  EXPECT_EQ(ids_of(after_second.events), (std::vector<Uuid>{all[2].id, all[3].id, all[4].id}));
  const AllSlice after_last = read({.from = all[4].position});
  EXPECT_TRUE(after_last.events.empty());
  EXPECT_TRUE(after_last.end);
  EXPECT_EQ(after_last.next, all[4].position);
}

TEST_P(ReadAll, PagingVisitsEveryEventOnceAndEndsAtTheHead) {
  for (int i = 0; i < 10; ++i) append_events("s-" + std::to_string(i % 3), 2);
  const auto all = read_everything(store());
  ASSERT_EQ(all.size(), 20u);
  for (std::uint64_t page_size : {1u, 3u, 7u, 20u, 21u}) {
    SCOPED_TRACE("page size " + std::to_string(page_size));
    EXPECT_EQ(ids_of(read_paged({}, page_size)), ids_of(all));
  }
  const AllSlice first = read({.max_count = 7});
  EXPECT_FALSE(first.end);
  EXPECT_EQ(first.next, all[6].position);
  const AllSlice whole = read({.max_count = 20});
  EXPECT_TRUE(whole.end);
  EXPECT_EQ(whole.next, head());
}

TEST_P(ReadAll, ContinuingFromNextSeesEventsAppendedLater) {
  append_events("s", 3);
  const AllSlice first = read({});
  ASSERT_TRUE(first.end);
  append_events("s", 2);
  const AllSlice second = read({.from = first.next});
  EXPECT_EQ(second.events.size(), 2u);
  EXPECT_EQ(versions_of(second.events), (std::vector<std::int64_t>{4, 5}));
}

class ReadAllFilters : public ReadAll {
 protected:
  void SetUp() override {
    ReadAll::SetUp();
    append_events("account-1", 2, "bank.Opened");
    append_events("order-1", 1, "shop.Placed");
    append_events("account-2", 1, "bank.Deposited");
    append_events("accountant-1", 1, "bank.Deposited");
    append_events("account", 1, "bank.Opened");
    append_events("account-1", 1, "bank.Deposited", "");
    append_events("tenant-a-1", 2, "bank.Opened", "acme");
    append_events("order-2", 1, "shop.Placed", "acme");
    all_ = read_everything(store());
    ASSERT_EQ(all_.size(), 10u);
  }

  // The streams of every event matching `filter`, in order; also checks paging agrees.
  std::vector<std::string> streams_matching(const EventFilter& filter) {
    const AllSlice page = read({.filter = filter});
    EXPECT_TRUE(page.end);
    EXPECT_EQ(page.next, head()) << "a filtered read that ends must skip what it dropped";
    EXPECT_EQ(ids_of(read_paged(filter, 1)), ids_of(page.events)) << "paging disagrees";
    std::vector<std::string> streams;
    for (const RecordedEvent& e : page.events) streams.push_back(e.stream);
    return streams;
  }

  std::vector<RecordedEvent> all_;
};

using Streams = std::vector<std::string>;

TEST_P(ReadAllFilters, ByType) {
  EXPECT_EQ(streams_matching({.types = {"shop.Placed"}}), (Streams{"order-1", "order-2"}));
  EXPECT_EQ(streams_matching({.types = {"bank.Deposited", "shop.Placed"}}),
            (Streams{"order-1", "account-2", "accountant-1", "account-1", "order-2"}));
  EXPECT_EQ(streams_matching({.types = {"no.Such"}}), Streams{});
}

TEST_P(ReadAllFilters, ByCategoryIsThePartBeforeTheFirstDash) {
  EXPECT_EQ(streams_matching({.categories = {"account"}}),
            (Streams{"account-1", "account-1", "account-2", "account", "account-1"}));
  EXPECT_EQ(streams_matching({.categories = {"accountant", "order"}}),
            (Streams{"order-1", "accountant-1", "order-2"}));
  EXPECT_EQ(streams_matching({.categories = {"tenant"}}), (Streams{"tenant-a-1", "tenant-a-1"}));
  EXPECT_EQ(streams_matching({.categories = {"acc"}}), Streams{});
}

TEST_P(ReadAllFilters, ByStreamPrefix) {
  EXPECT_EQ(streams_matching({.stream_prefix = "account-"}),
            (Streams{"account-1", "account-1", "account-2", "account-1"}));
  EXPECT_EQ(streams_matching({.stream_prefix = "accountant"}), (Streams{"accountant-1"}));
  EXPECT_EQ(streams_matching({.stream_prefix = "order-2"}), (Streams{"order-2"}));
  EXPECT_EQ(streams_matching({.stream_prefix = "zzz"}), Streams{});
}

TEST_P(ReadAllFilters, ByTenant) {
  EXPECT_EQ(streams_matching({.tenant = "acme"}), (Streams{"tenant-a-1", "tenant-a-1", "order-2"}));
  EXPECT_EQ(streams_matching({.tenant = ""}).size(), 7u);
  EXPECT_EQ(streams_matching({.tenant = "nobody"}), Streams{});
}

TEST_P(ReadAllFilters, AllSetFieldsMustMatch) {
  EXPECT_EQ(streams_matching({.types = {"bank.Opened"}, .categories = {"account"}}),
            (Streams{"account-1", "account-1", "account"}));
  EXPECT_EQ(streams_matching({.types = {"shop.Placed"}, .tenant = "acme"}), (Streams{"order-2"}));
  EXPECT_EQ(streams_matching({.categories = {"order"}, .stream_prefix = "order-1"}),
            (Streams{"order-1"}));
}

TEST_P(ReadAllFilters, AFullPageStopsAtItsLastEventNotPastUnseenMatches) {
  const AllSlice page = read({.max_count = 1, .filter = {.types = {"shop.Placed"}}});
  ASSERT_EQ(page.events.size(), 1u);
  EXPECT_FALSE(page.end);
  EXPECT_EQ(page.next, page.events[0].position);
  const AllSlice rest =
      read({.from = page.next, .max_count = 1, .filter = {.types = {"shop.Placed"}}});
  ASSERT_EQ(rest.events.size(), 1u);
  EXPECT_EQ(rest.events[0].stream, "order-2");
  EXPECT_TRUE(rest.end);
  EXPECT_EQ(rest.next, head());
}

TEST_P(ReadAllFilters, FilteredReadAtTheEndDoesNotRescanDroppedEvents) {
  // Nothing after the last "order" event matches; a checkpoint must still move to the head.
  append_events("account-9", 5, "bank.Opened");
  const AllSlice page = read({.filter = {.categories = {"order"}}});
  EXPECT_EQ(page.events.size(), 2u);
  EXPECT_TRUE(page.end);
  EXPECT_EQ(page.next, head());
  const AllSlice again = read({.from = page.next, .filter = {.categories = {"order"}}});
  EXPECT_TRUE(again.events.empty());
  EXPECT_TRUE(again.end);
  EXPECT_EQ(again.next, head());
}

TEST_P(ReadAllFilters, InvalidFilterValuesAreRejected) {
  for (const EventFilter& filter :
       {EventFilter{.types = {"bad type"}}, EventFilter{.types = {""}},
        EventFilter{.categories = {""}}, EventFilter{.tenant = std::string("bad\ntenant")}}) {
    auto page = store().read_all({.filter = filter});
    ASSERT_FALSE(page.has_value());
    EXPECT_EQ(page.error().code(), StatusCode::kInvalidArgument);
  }
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(ReadAll);
ES_INSTANTIATE_FOR_EVERY_BACKEND(ReadAllFilters);

}  // namespace
}  // namespace es::testing
