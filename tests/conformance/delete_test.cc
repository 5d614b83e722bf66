// Soft deletion and tombstones (DESIGN §4): a soft-deleted stream reads as empty and may be
// recreated with versions continuing; a tombstoned one is never writable or readable again.
#include "conformance/backends.h"

namespace es::testing {
namespace {

class Delete : public StoreTest {};

TEST_P(Delete, SoftDeletedStreamReadsAsEmpty) {
  make_live("s", 3);
  ES_ASSERT_OK(store().delete_stream("s"));
  auto slice = store().read_stream("s");
  ES_ASSERT_OK(slice);
  EXPECT_TRUE(slice->events.empty());
  EXPECT_TRUE(slice->end);
  auto backward = store().read_stream("s", {.direction = Direction::kBackward});
  ES_ASSERT_OK(backward);
  EXPECT_TRUE(backward->events.empty());
  const StreamInfo info = store().stream_info("s").value_or(StreamInfo{});
  EXPECT_EQ(info.state, StreamState::kSoftDeleted);
  EXPECT_EQ(info.version, 3);
}

TEST_P(Delete, SoftDeletedStreamIsRecreatedWithVersionsContinuing) {
  make_live("s", 3);
  ES_ASSERT_OK(store().delete_stream("s"));
  const auto events = make_events(2);
  auto r = store().append("s", ExpectedVersion::any(), events);
  ES_ASSERT_OK(r);
  EXPECT_EQ(r->first_version, 4);
  EXPECT_EQ(r->last_version, 5);
  const auto readable = read_stream_events(store(), "s");
  EXPECT_EQ(ids_of(readable), ids_of(events));
  EXPECT_EQ(versions_of(readable), (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(store().stream_info("s")->state, StreamState::kLive);
}

TEST_P(Delete, StreamInfoReportsWhereTheLastSoftDeleteCut) {
  make_live("s", 3);
  EXPECT_EQ(store().stream_info("s")->deleted_before, 0);
  ES_ASSERT_OK(store().delete_stream("s"));
  EXPECT_EQ(store().stream_info("s")->deleted_before, 4);
  ES_ASSERT_OK(store().append("s", ExpectedVersion::any(), make_events(2)));
  EXPECT_EQ(store().stream_info("s")->deleted_before, 4) << "an append keeps the cut";
  ES_ASSERT_OK(store().set_retention("s", {.truncate_before = 5}));
  const StreamInfo info = store().stream_info("s").value_or(StreamInfo{});
  EXPECT_EQ(info.deleted_before, 5) << "retention.truncate_before raises it";
  EXPECT_EQ(info.retention.truncate_before, 5);
  auto listed = store().list_streams();
  ES_ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().deleted_before, 5);
}

TEST_P(Delete, SoftDeletedEventsStayInTheGlobalFeed) {
  make_live("s", 3);
  ES_ASSERT_OK(store().delete_stream("s"));
  EXPECT_EQ(read_everything(store()).size(), 3u);
}

TEST_P(Delete, DeletingAnAbsentStreamIsNotFound) {
  const Status s = store().delete_stream("nothing");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(store().stream_info("nothing")->state, StreamState::kAbsent);
}

TEST_P(Delete, DeleteChecksTheExpectedVersion) {
  make_live("s", 3);
  const Status wrong = store().delete_stream("s", ExpectedVersion::exact(2));
  EXPECT_EQ(wrong.code(), StatusCode::kConflict);
  ASSERT_NE(wrong.conflict(), nullptr);
  EXPECT_EQ(wrong.conflict()->actual, 3);
  EXPECT_EQ(store().stream_info("s")->state, StreamState::kLive);
  EXPECT_EQ(store().delete_stream("s", ExpectedVersion::no_stream()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store().stream_info("s")->state, StreamState::kLive);
  ES_EXPECT_OK(store().delete_stream("s", ExpectedVersion::exact(3)));
  EXPECT_EQ(store().stream_info("s")->state, StreamState::kSoftDeleted);
  // A soft-deleted stream no longer exists for stream_exists.
  EXPECT_EQ(store().delete_stream("s", ExpectedVersion::stream_exists()).code(),
            StatusCode::kConflict);
}

TEST_P(Delete, DeletingATombstonedStreamIsStreamDeleted) {
  make_tombstoned("s", 2);
  EXPECT_EQ(store().delete_stream("s").code(), StatusCode::kStreamDeleted);
  EXPECT_EQ(store().stream_info("s")->state, StreamState::kTombstoned);
}

TEST_P(Delete, TombstonedStreamRefusesEveryAppend) {
  make_tombstoned("s", 2);
  const Snapshot before = snapshot(store(), "s");
  for (const ExpectedVersion e : {ExpectedVersion::any(), ExpectedVersion::no_stream(),
                                  ExpectedVersion::stream_exists(), ExpectedVersion::exact(2)}) {
    auto r = store().append("s", e, make_events(1));
    ASSERT_FALSE(r.has_value()) << e.to_string();
    EXPECT_EQ(r.error().code(), StatusCode::kStreamDeleted) << e.to_string();
  }
  EXPECT_EQ(snapshot(store(), "s"), before);
}

TEST_P(Delete, TombstonedStreamFailsToRead) {
  make_tombstoned("s", 2);
  auto forward = store().read_stream("s");
  ASSERT_FALSE(forward.has_value());
  EXPECT_EQ(forward.error().code(), StatusCode::kStreamDeleted);
  auto backward = store().read_stream("s", {.direction = Direction::kBackward});
  ASSERT_FALSE(backward.has_value());
  EXPECT_EQ(backward.error().code(), StatusCode::kStreamDeleted);
}

TEST_P(Delete, TombstoningAnAbsentNameReservesItForever) {
  ES_ASSERT_OK(store().tombstone_stream("reserved"));
  EXPECT_EQ(store().stream_info("reserved")->state, StreamState::kTombstoned);
  auto r = store().append("reserved", ExpectedVersion::no_stream(), make_events(1));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kStreamDeleted);
  EXPECT_EQ(store().read_stream("reserved").error().code(), StatusCode::kStreamDeleted);
  EXPECT_EQ(store().head_position().value_or(Position(1, 1)), Position::start());
}

TEST_P(Delete, TombstoneIsIdempotent) {
  make_live("s", 1);
  ES_ASSERT_OK(store().tombstone_stream("s"));
  ES_EXPECT_OK(store().tombstone_stream("s"));
  ES_ASSERT_OK(store().tombstone_stream("never"));
  ES_EXPECT_OK(store().tombstone_stream("never"));
  EXPECT_EQ(store().stream_info("s")->state, StreamState::kTombstoned);
}

TEST_P(Delete, TombstoneOfASoftDeletedStream) {
  make_soft_deleted("s", 2);
  ES_ASSERT_OK(store().tombstone_stream("s"));
  EXPECT_EQ(store().stream_info("s")->state, StreamState::kTombstoned);
  EXPECT_EQ(store().append("s", ExpectedVersion::any(), make_events(1)).error().code(),
            StatusCode::kStreamDeleted);
}

TEST_P(Delete, TombstoneChecksTheExpectedVersion) {
  make_live("s", 3);
  const Status wrong = store().tombstone_stream("s", ExpectedVersion::exact(1));
  EXPECT_EQ(wrong.code(), StatusCode::kConflict);
  EXPECT_EQ(store().stream_info("s")->state, StreamState::kLive);
  ES_EXPECT_OK(store().tombstone_stream("s", ExpectedVersion::stream_exists()));
  EXPECT_EQ(store().stream_info("s")->state, StreamState::kTombstoned);
}

TEST_P(Delete, DeletingOneStreamLeavesOthersAlone) {
  make_live("keep", 2);
  make_live("drop", 2);
  ES_ASSERT_OK(store().delete_stream("drop"));
  ES_ASSERT_OK(store().tombstone_stream("drop"));
  EXPECT_EQ(read_stream_events(store(), "keep").size(), 2u);
  ES_EXPECT_OK(store().append("keep", ExpectedVersion::exact(2), make_events(1)));
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(Delete);

}  // namespace
}  // namespace es::testing
