// Multi-stream batches commit atomically: every request or none (DESIGN §4).
#include "conformance/backends.h"

namespace es::testing {
namespace {

class Batch : public StoreTest {};

TEST_P(Batch, AllRequestsCommitTogetherWithOneResultEach) {
  make_live("account-2", 4);
  const auto debit = make_events(2, "bank.Debited");
  const auto credit = make_events(1, "bank.Credited");
  const Position head_before = store().head_position().value_or(Position{});
  auto r = store().append(
      {{.stream = "account-1", .expected = ExpectedVersion::no_stream(), .events = debit},
       {.stream = "account-2", .expected = ExpectedVersion::exact(4), .events = credit}});
  ES_ASSERT_OK(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].first_version, 1);
  EXPECT_EQ((*r)[0].last_version, 2);
  EXPECT_EQ((*r)[1].first_version, 5);
  EXPECT_EQ((*r)[1].last_version, 5);
  // The requests land in the global order as given, after everything before them.
  EXPECT_GT((*r)[0].first_position, head_before);
  EXPECT_LT((*r)[0].last_position, (*r)[1].first_position);
  EXPECT_EQ(store().head_position().value_or(Position{}), (*r)[1].last_position);

  auto page = store().read_all({.from = head_before});
  ES_ASSERT_OK(page);
  std::vector<Uuid> expected = ids_of(debit);
  expected.push_back(credit[0].id);
  EXPECT_EQ(ids_of(page->events), expected);
}

TEST_P(Batch, OneConflictingRequestWritesNothingAtAll) {
  make_live("a", 1);
  make_live("b", 1);
  const Snapshot a_before = snapshot(store(), "a");
  const Snapshot b_before = snapshot(store(), "b");
  const auto events_a = make_events(2);
  const auto events_b = make_events(2);
  const auto events_c = make_events(2);
  auto r =
      store().append({{.stream = "a", .expected = ExpectedVersion::exact(1), .events = events_a},
                      {.stream = "b", .expected = ExpectedVersion::exact(7), .events = events_b},
                      {.stream = "c", .expected = ExpectedVersion::any(), .events = events_c}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kConflict);
  ASSERT_NE(r.error().conflict(), nullptr);
  EXPECT_EQ(r.error().conflict()->stream, "b");
  EXPECT_EQ(r.error().conflict()->expected, "7");
  EXPECT_EQ(r.error().conflict()->actual, 1);
  EXPECT_EQ(snapshot(store(), "a"), a_before);
  EXPECT_EQ(snapshot(store(), "b"), b_before);
  EXPECT_EQ(store().stream_info("c")->state, StreamState::kAbsent);
}

TEST_P(Batch, ATombstonedStreamInTheBatchWritesNothing) {
  make_tombstoned("gone", 1);
  const Snapshot before = snapshot(store(), "fine");
  const auto events = make_events(1);
  auto r = store().append(
      {{.stream = "fine", .events = events}, {.stream = "gone", .events = make_events(1)}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kStreamDeleted);
  EXPECT_EQ(snapshot(store(), "fine"), before);
}

TEST_P(Batch, ABadEventInALaterRequestWritesNothing) {
  const auto good = make_events(2);
  auto bad = make_events(1);
  bad[0].type = "bad type";
  auto r = store().append({{.stream = "good", .events = good}, {.stream = "bad", .events = bad}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(snapshot(store(), "good"), Snapshot{});
}

TEST_P(Batch, TheSameStreamTwiceIsInvalid) {
  const auto first = make_events(1);
  const auto second = make_events(1);
  auto r = store().append({{.stream = "s", .events = first}, {.stream = "s", .events = second}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("'s'"), std::string_view::npos) << r.error().message();
  EXPECT_EQ(snapshot(store(), "s"), Snapshot{});
}

TEST_P(Batch, EmptyBatchIsInvalid) {
  auto r = store().append(std::span<const AppendRequest>{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
}

TEST_P(Batch, ConflictingEntryReportsItsOwnStream) {
  make_live("x", 2);
  const auto events = make_events(1);
  auto r = store().append(
      {{.stream = "y", .expected = ExpectedVersion::no_stream(), .events = events},
       {.stream = "x", .expected = ExpectedVersion::no_stream(), .events = make_events(1)}});
  ASSERT_FALSE(r.has_value());
  ASSERT_NE(r.error().conflict(), nullptr);
  EXPECT_EQ(r.error().conflict()->stream, "x");
  EXPECT_EQ(r.error().conflict()->expected, "no-stream");
  EXPECT_EQ(r.error().conflict()->actual, 2);
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(Batch);

}  // namespace
}  // namespace es::testing
