// read_stream: both directions, inclusive from_version, max_count paging with next_version/end
// (DESIGN §6).
#include "conformance/backends.h"

namespace es::testing {
namespace {

using Versions = std::vector<std::int64_t>;

class ReadStream : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    events_ = make_events(10);
    auto r = store().append("s", ExpectedVersion::no_stream(), events_);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
  }

  StreamSlice read(ReadStreamOptions options) {
    auto slice = store().read_stream("s", options);
    EXPECT_TRUE(slice.has_value()) << slice.error().to_string();
    return slice.value_or(StreamSlice{});
  }

  std::vector<EventData> events_;
};

TEST_P(ReadStream, ForwardReturnsEveryEventInVersionOrderWithItsFields) {
  const StreamSlice slice = read({});
  EXPECT_TRUE(slice.end);
  ASSERT_EQ(slice.events.size(), 10u);
  EXPECT_EQ(versions_of(slice.events), (Versions{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  for (std::size_t i = 0; i < 10; ++i) {
    const RecordedEvent& e = slice.events[i];
    EXPECT_EQ(e.id, events_[i].id);
    EXPECT_EQ(e.stream, "s");
    EXPECT_EQ(e.type, events_[i].type);
    EXPECT_EQ(e.schema_version, 1);
    EXPECT_EQ(e.data, events_[i].data);
    EXPECT_EQ(e.metadata, "{}");
    EXPECT_EQ(e.tenant, "");
    if (i > 0) {
      EXPECT_GT(e.position, slice.events[i - 1].position);
    }
  }
}

TEST_P(ReadStream, PayloadFieldsCarryWhatAFoldNeedsAndNothingStale) {
  // A full read first, so a backend that reuses one event buffer has old values to leak.
  (void)read({});
  std::vector<RecordedEvent> seen;
  Status status = store().visit_stream(
      "s", {.from_version = 3, .max_count = 4, .fields = EventFields::kPayload},
      [&](const RecordedEvent& e) {
        seen.push_back(e);
        return true;
      });
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  ASSERT_EQ(versions_of(seen), (Versions{3, 4, 5, 6, 7, 8, 9, 10}));
  for (const RecordedEvent& e : seen) {
    const EventData& written = events_[static_cast<std::size_t>(e.version - 1)];
    EXPECT_EQ(e.stream, "s");
    EXPECT_EQ(e.type, written.type);
    EXPECT_EQ(e.schema_version, written.schema_version);
    EXPECT_EQ(e.data, written.data);
    // The other members are either left empty or, where a backend fills more, correct.
    EXPECT_TRUE(e.id.is_nil() || e.id == written.id);
    EXPECT_TRUE(e.metadata.empty() || e.metadata == "{}");
  }
}

TEST_P(ReadStream, BackwardStartsFromTheLastEvent) {
  const StreamSlice slice = read({.direction = Direction::kBackward});
  EXPECT_TRUE(slice.end);
  EXPECT_EQ(versions_of(slice.events), (Versions{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
}

TEST_P(ReadStream, ForwardPagingContinuesAtNextVersion) {
  StreamSlice page = read({.from_version = 4, .max_count = 3});
  EXPECT_EQ(versions_of(page.events), (Versions{4, 5, 6}));
  EXPECT_FALSE(page.end);
  EXPECT_EQ(page.next_version, 7);
  page = read({.from_version = page.next_version, .max_count = 3});
  EXPECT_EQ(versions_of(page.events), (Versions{7, 8, 9}));
  EXPECT_FALSE(page.end);
  EXPECT_EQ(page.next_version, 10);
  page = read({.from_version = page.next_version, .max_count = 3});
  EXPECT_EQ(versions_of(page.events), (Versions{10}));
  EXPECT_TRUE(page.end);
}

TEST_P(ReadStream, BackwardPagingContinuesAtNextVersion) {
  StreamSlice page = read({.from_version = 6, .direction = Direction::kBackward, .max_count = 4});
  EXPECT_EQ(versions_of(page.events), (Versions{6, 5, 4, 3}));
  EXPECT_FALSE(page.end);
  EXPECT_EQ(page.next_version, 2);
  page = read({.from_version = 2, .direction = Direction::kBackward, .max_count = 4});
  EXPECT_EQ(versions_of(page.events), (Versions{2, 1}));
  EXPECT_TRUE(page.end);
}

TEST_P(ReadStream, APageThatTakesExactlyTheRestReachesTheEnd) {
  const StreamSlice page = read({.from_version = 5, .max_count = 6});
  EXPECT_EQ(page.events.size(), 6u);
  EXPECT_TRUE(page.end);
  const StreamSlice back = read({.direction = Direction::kBackward, .max_count = 10});
  EXPECT_EQ(back.events.size(), 10u);
  EXPECT_TRUE(back.end);
}

TEST_P(ReadStream, FromVersionOutsideTheStreamIsClamped) {
  EXPECT_EQ(versions_of(read({.from_version = 0, .max_count = 2}).events), (Versions{1, 2}));
  EXPECT_EQ(versions_of(read({.from_version = -5, .max_count = 2}).events), (Versions{1, 2}));
  const StreamSlice past_end = read({.from_version = 11});
  EXPECT_TRUE(past_end.events.empty());
  EXPECT_TRUE(past_end.end);
  EXPECT_EQ(
      versions_of(
          read({.from_version = 99, .direction = Direction::kBackward, .max_count = 2}).events),
      (Versions{10, 9}));
  const StreamSlice before_start = read({.from_version = 0, .direction = Direction::kBackward});
  EXPECT_TRUE(before_start.events.empty());
  EXPECT_TRUE(before_start.end);
}

TEST_P(ReadStream, MaxCountZeroReturnsNothingButKnowsMoreFollow) {
  const StreamSlice page = read({.from_version = 3, .max_count = 0});
  EXPECT_TRUE(page.events.empty());
  EXPECT_FALSE(page.end);
  EXPECT_EQ(page.next_version, 3);
}

TEST_P(ReadStream, AbsentStreamReadsAsEmpty) {
  auto slice = store().read_stream("never-written");
  ES_ASSERT_OK(slice);
  EXPECT_TRUE(slice->events.empty());
  EXPECT_TRUE(slice->end);
  auto back = store().read_stream("never-written", {.direction = Direction::kBackward});
  ES_ASSERT_OK(back);
  EXPECT_TRUE(back->events.empty());
}

TEST_P(ReadStream, ReadsOnlyItsOwnStream) {
  append_events("s-other", 3);
  append_events("s2", 2);
  EXPECT_EQ(read({}).events.size(), 10u);
  auto other = store().read_stream("s-other");
  ES_ASSERT_OK(other);
  EXPECT_EQ(versions_of(other->events), (Versions{1, 2, 3}));
}

TEST_P(ReadStream, KeepsSchemaVersionMetadataAndBinaryData) {
  EventData e = make_event("x.Binary");
  e.schema_version = 3;
  e.data = std::string("\0\x01\xff{not json", 12);
  e.metadata = R"({"correlation_id":"c-1","actor":"ada","nested":{"k":[1,2]}})";
  ES_ASSERT_OK(store().append("bin", ExpectedVersion::no_stream(), std::vector<EventData>{e}));
  auto slice = store().read_stream("bin");
  ES_ASSERT_OK(slice);
  ASSERT_EQ(slice->events.size(), 1u);
  EXPECT_EQ(slice->events[0].schema_version, 3);
  EXPECT_EQ(slice->events[0].data, e.data);
  EXPECT_EQ(slice->events[0].metadata, e.metadata);
  EXPECT_EQ(slice->events[0].type, "x.Binary");
}

TEST_P(ReadStream, EmptyDataIsStoredAsEmpty) {
  EventData e = make_event("x.Empty", "");
  ES_ASSERT_OK(store().append("empty", ExpectedVersion::no_stream(), std::vector<EventData>{e}));
  auto slice = store().read_stream("empty");
  ES_ASSERT_OK(slice);
  ASSERT_EQ(slice->events.size(), 1u);
  EXPECT_EQ(slice->events[0].data, "");
}

TEST_P(ReadStream, InvalidStreamNameIsRejected) {
  auto slice = store().read_stream("");
  ASSERT_FALSE(slice.has_value());
  EXPECT_EQ(slice.error().code(), StatusCode::kInvalidArgument);
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(ReadStream);

}  // namespace
}  // namespace es::testing
