// Tenancy at the store level: a stream belongs to the tenant that created it, and appends for
// any other tenant are refused.
#include "conformance/backends.h"

namespace es::testing {
namespace {

class Tenant : public StoreTest {};

TEST_P(Tenant, StreamRecordsItsTenantOnEveryEvent) {
  append_events("s", 2, "t.E", "acme");
  const StreamInfo info = store().stream_info("s").value_or(StreamInfo{});
  EXPECT_EQ(info.tenant, "acme");
  for (const RecordedEvent& e : read_stream_events(store(), "s")) EXPECT_EQ(e.tenant, "acme");
  append_events("s", 1, "t.E", "acme");
  EXPECT_EQ(store().stream_info("s")->version, 3);
}

TEST_P(Tenant, AppendingToAnotherTenantsStreamIsPermissionDenied) {
  append_events("s", 2, "t.E", "acme");
  const Snapshot before = snapshot(store(), "s");
  for (const std::string_view other : {"globex", ""}) {
    auto r = store().append("s", ExpectedVersion::any(), make_events(1), other);
    ASSERT_FALSE(r.has_value()) << "tenant '" << other << "'";
    EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(snapshot(store(), "s"), before);
}

TEST_P(Tenant, AnotherTenantLearnsNotEvenTheStreamVersion) {
  append_events("s", 4, "t.E", "acme");
  auto r = store().append("s", ExpectedVersion::exact(1), make_events(1), "globex");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied) << r.error().to_string();
  EXPECT_EQ(r.error().conflict(), nullptr);
}

TEST_P(Tenant, AStreamWithoutTenantRefusesATenant) {
  append_events("s", 1);
  auto r = store().append("s", ExpectedVersion::any(), make_events(1), "acme");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
}

TEST_P(Tenant, APermissionDeniedEntryFailsTheWholeBatch) {
  append_events("theirs", 1, "t.E", "globex");
  const auto mine = make_events(1);
  const auto theirs = make_events(1);
  const Snapshot before = snapshot(store(), "mine");
  auto r = store().append({{.stream = "mine", .events = mine, .tenant = "acme"},
                           {.stream = "theirs", .events = theirs, .tenant = "acme"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(snapshot(store(), "mine"), before);
}

TEST_P(Tenant, ReplayingAnotherTenantsIdsDoesNotRevealTheirPlace) {
  const auto events = make_events(1);
  ES_ASSERT_OK(store().append("s", ExpectedVersion::no_stream(), events, "acme"));
  auto r = store().append("s", ExpectedVersion::no_stream(), events, "globex");
  ASSERT_FALSE(r.has_value()) << "replayed across tenants at version " << r->first_version;
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
}

TEST_P(Tenant, SoftDeletedStreamKeepsItsTenant) {
  append_events("s", 1, "t.E", "acme");
  ES_ASSERT_OK(store().delete_stream("s"));
  auto r = store().append("s", ExpectedVersion::any(), make_events(1), "globex");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
  ES_EXPECT_OK(store().append("s", ExpectedVersion::any(), make_events(1), "acme"));
}

TEST_P(Tenant, InvalidTenantIsRejected) {
  auto r = store().append("s", ExpectedVersion::any(), make_events(1), "bad\x01tenant");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("tenant"), std::string_view::npos);
  auto long_tenant =
      store().append("s", ExpectedVersion::any(), make_events(1), std::string(129, 't'));
  ASSERT_FALSE(long_tenant.has_value());
  EXPECT_EQ(long_tenant.error().code(), StatusCode::kInvalidArgument);
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(Tenant);

}  // namespace
}  // namespace es::testing
