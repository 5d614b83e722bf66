// Tenant-scoped handles (es/store/tenant_store.h) over every backend: a tenant can neither read
// nor write another tenant's streams, nor see them in read_all, subscriptions, list_streams or
// stats.
#include "conformance/backends.h"
#include "es/projection/subscription.h"
#include "es/store/tenant_store.h"

namespace es::testing {
namespace {

class TenantScope : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    acme_ = scoped("acme");
    globex_ = scoped("globex");
    // Interleaved, so every page of the feed mixes the tenants.
    for (int i = 0; i < 3; ++i) {
      append_to(*acme_, "order-a", 2);
      append_to(*globex_, "order-g", 1);
    }
    append_to(*globex_, "invoice-g", 1);
  }

  std::unique_ptr<EventStore> scoped(std::string_view tenant) {
    auto handle = scope_to_tenant(store(), tenant);
    EXPECT_TRUE(handle.has_value()) << handle.error().to_string();
    return handle ? std::move(*handle) : nullptr;
  }

  static void append_to(EventStore& store, std::string_view stream, std::size_t count) {
    const auto events = make_events(count);
    auto r = store.append(stream, ExpectedVersion::any(), events);
    ASSERT_TRUE(r.has_value()) << stream << ": " << r.error().to_string();
  }

  static std::vector<std::string> streams_of_feed(EventStore& store, std::uint64_t page) {
    std::vector<std::string> out;
    ES_EXPECT_OK(store.visit_all({.max_count = page}, [&](const RecordedEvent& e) {
      out.push_back(e.stream);
      return true;
    }));
    return out;
  }

  std::unique_ptr<EventStore> acme_;
  std::unique_ptr<EventStore> globex_;
};

TEST_P(TenantScope, AppendsCarryTheHandlesTenant) {
  EXPECT_EQ(store().stream_info("order-a")->tenant, "acme");
  for (const RecordedEvent& e : read_stream_events(store(), "order-g")) {
    EXPECT_EQ(e.tenant, "globex");
  }
}

TEST_P(TenantScope, AppendNamingAnotherTenantIsRefusedAndWritesNothing) {
  const Snapshot before = snapshot(store(), "new");
  const auto events = make_events(1);
  auto r = acme_->append("new", ExpectedVersion::any(), events, "globex");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.error().message().find("acme"), std::string_view::npos) << r.error().to_string();
  EXPECT_EQ(snapshot(store(), "new"), before);
}

TEST_P(TenantScope, AppendToAnotherTenantsStreamIsRefusedAndTheBatchWritesNothing) {
  const Snapshot before = snapshot(store(), "order-g");
  const auto events = make_events(1);
  auto single = acme_->append("order-g", ExpectedVersion::any(), events);
  ASSERT_FALSE(single.has_value());
  EXPECT_EQ(single.error().code(), StatusCode::kPermissionDenied);
  const auto more = make_events(1);
  auto batch = acme_->append(
      {{.stream = "order-a", .events = events}, {.stream = "order-g", .events = more}});
  ASSERT_FALSE(batch.has_value());
  EXPECT_EQ(batch.error().code(), StatusCode::kPermissionDenied) << batch.error().to_string();
  EXPECT_EQ(snapshot(store(), "order-g"), before);
  EXPECT_EQ(store().stream_info("order-a")->version, 6);
}

TEST_P(TenantScope, AnotherTenantsStreamReadsAsAbsent) {
  auto theirs = acme_->read_stream("order-g");
  ASSERT_TRUE(theirs.has_value()) << theirs.error().to_string();
  EXPECT_TRUE(theirs->events.empty());
  auto info = acme_->stream_info("order-g");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->state, StreamState::kAbsent);
  EXPECT_EQ(info->version, 0);
  EXPECT_TRUE(info->tenant.empty());
  EXPECT_EQ(read_stream_events(*acme_, "order-a").size(), 6U);
  EXPECT_EQ(acme_->stream_info("order-a")->version, 6);
}

TEST_P(TenantScope, VisitStreamPagesThroughTheTenantsStream) {
  std::vector<std::int64_t> versions;
  ES_ASSERT_OK(acme_->visit_stream("order-a", {.max_count = 4}, [&](const RecordedEvent& e) {
    versions.push_back(e.version);
    return true;
  }));
  EXPECT_EQ(versions, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST_P(TenantScope, ATombstonedStreamOfAnotherTenantReadsAsAbsent) {
  ES_ASSERT_OK(globex_->tombstone_stream("invoice-g"));
  auto theirs = acme_->read_stream("invoice-g");
  ASSERT_TRUE(theirs.has_value()) << theirs.error().to_string();
  EXPECT_TRUE(theirs->events.empty());
  auto own = globex_->read_stream("invoice-g");
  ASSERT_FALSE(own.has_value());
  EXPECT_EQ(own.error().code(), StatusCode::kStreamDeleted);
}

TEST_P(TenantScope, ReadAllDeliversOnlyTheTenantsEventsInOrderOnEveryPageSize) {
  for (const std::uint64_t page : {1U, 2U, 1000U}) {
    EXPECT_EQ(streams_of_feed(*acme_, page), std::vector<std::string>(6, "order-a"));
    EXPECT_EQ(streams_of_feed(*globex_, page),
              (std::vector<std::string>{"order-g", "order-g", "order-g", "invoice-g"}));
  }
  auto page = acme_->read_all({.max_count = 1000});
  ASSERT_TRUE(page.has_value());
  EXPECT_TRUE(page->end);
  EXPECT_EQ(page->next, *store().head_position()) << "the page moves past the others' events";
}

TEST_P(TenantScope, ReadAllAskingForAnotherTenantIsRefused) {
  auto r = acme_->read_all({.filter = {.tenant = "globex"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
}

TEST_P(TenantScope, ASubscriptionSeesOnlyTheTenantsEvents) {
  std::vector<std::string> seen;
  auto sub = Subscription::start(*acme_, {.page_size = 2}, [&](const RecordedEvent& e) {
    seen.push_back(e.stream + "/" + e.tenant);
    return Status::ok();
  });
  ASSERT_TRUE(sub.has_value()) << sub.error().to_string();
  append_to(*globex_, "order-g", 1);
  append_to(*acme_, "order-a", 1);
  const Position head = *store().head_position();
  ASSERT_TRUE(sub->wait_for(head, std::chrono::seconds(10)));
  ES_EXPECT_OK(sub->stop());
  EXPECT_EQ(seen, std::vector<std::string>(7, "order-a/acme"));
}

TEST_P(TenantScope, ListStreamsAndStatsShowOnlyTheTenantsStreams) {
  auto mine = globex_->list_streams({.max_count = 1});
  ASSERT_TRUE(mine.has_value());
  ASSERT_EQ(mine->size(), 1U);
  EXPECT_EQ(mine->front().stream, "invoice-g");
  auto rest = globex_->list_streams({.after = "invoice-g"});
  ASSERT_TRUE(rest.has_value());
  ASSERT_EQ(rest->size(), 1U);
  EXPECT_EQ(rest->front().stream, "order-g");
  auto acme_streams = acme_->list_streams({.prefix = "order"});
  ASSERT_TRUE(acme_streams.has_value());
  ASSERT_EQ(acme_streams->size(), 1U);
  EXPECT_EQ(acme_streams->front().stream, "order-a");

  ES_ASSERT_OK(globex_->delete_stream("invoice-g"));
  auto stats = globex_->stats();
  ASSERT_TRUE(stats.has_value()) << stats.error().to_string();
  EXPECT_EQ(stats->events, 4U);
  EXPECT_EQ(stats->streams, 2U);
  EXPECT_EQ(stats->live_streams, 1U);
  EXPECT_EQ(stats->deleted_streams, 1U);
  EXPECT_EQ(stats->backend, GetParam().kind);
  EXPECT_EQ(acme_->stats()->events, 6U);
  EXPECT_EQ(acme_->stats()->streams, 1U);
}

TEST_P(TenantScope, DeletingOrRetainingAnotherTenantsStreamIsRefused) {
  const Snapshot before = snapshot(store(), "order-g");
  EXPECT_EQ(acme_->delete_stream("order-g").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(acme_->tombstone_stream("order-g").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(acme_->set_retention("order-g", {.max_count = 1}).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(snapshot(store(), "order-g"), before);
  EXPECT_EQ(store().stream_info("order-g")->retention, Retention{});
}

TEST_P(TenantScope, AScopedHandleCannotReserveANameWithATombstone) {
  const Status s = acme_->tombstone_stream("unused");
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.to_string();
  EXPECT_EQ(store().stream_info("unused")->state, StreamState::kAbsent);
  ES_EXPECT_OK(acme_->tombstone_stream("order-a"));
  EXPECT_EQ(store().stream_info("order-a")->state, StreamState::kTombstoned);
}

TEST_P(TenantScope, VerifyChecksOnlyTheTenantsStreams) {
  auto whole = store().verify({.stream = "order-a"});
  auto scoped = acme_->verify();
  ES_ASSERT_OK(whole);
  ES_ASSERT_OK(scoped);
  EXPECT_TRUE(scoped->intact());
  EXPECT_EQ(scoped->streams, 1U);
  EXPECT_EQ(scoped->events, 6U);
  EXPECT_EQ(scoped->digest, whole->digest) << "the same single head";
  auto theirs = acme_->verify({.stream = "order-g"});
  ASSERT_TRUE(theirs.has_value());
  EXPECT_EQ(theirs->streams, 0U);
}

TEST_P(TenantScope, ATenantIsRequiredAndValidated) {
  for (const std::string_view bad : {std::string_view(), std::string_view("bad\x01tenant")}) {
    auto handle = scope_to_tenant(store(), bad);
    ASSERT_FALSE(handle.has_value()) << "'" << bad << "'";
    EXPECT_EQ(handle.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(handle.error().message().find("tenant"), std::string_view::npos);
  }
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(TenantScope);

}  // namespace
}  // namespace es::testing
