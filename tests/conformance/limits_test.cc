// Size limits and bad input (DESIGN §3): InvalidArgument naming the field, and nothing of the
// append is written.
#include "conformance/backends.h"

namespace es::testing {
namespace {

class InputLimits : public StoreTest {
 protected:
  // Appends `events` to "victim" after one good event, expecting InvalidArgument whose message
  // mentions `field`, with nothing written.
  void expect_invalid(std::string_view stream, const std::vector<EventData>& events,
                      std::string_view field) {
    const Snapshot before = snapshot(store(), "victim");
    auto r = store().append(stream, ExpectedVersion::any(), events);
    ASSERT_FALSE(r.has_value()) << "appended at " << r->first_version;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument) << r.error().to_string();
    EXPECT_NE(r.error().message().find(field), std::string_view::npos)
        << "message does not name '" << field << "': " << r.error().message();
    EXPECT_EQ(snapshot(store(), "victim"), before);
  }
  // One good event followed by `bad`, so a half-written append would show.
  std::vector<EventData> after_good(EventData bad) { return {make_event(), std::move(bad)}; }
};

TEST_P(InputLimits, StreamNameMustBeOneTo256BytesOfUtf8WithoutControls) {
  const auto events = make_events(1);
  expect_invalid("", events, "stream name");
  expect_invalid(std::string(257, 'x'), events, "stream name");
  expect_invalid("tab\there", events, "stream name");
  expect_invalid(std::string("nul\0byte", 8), events, "stream name");
  expect_invalid(std::string("del\x7f"), events, "stream name");
  expect_invalid("bad\xff utf8", events, "stream name");
  expect_invalid("overlong\xc0\xaf", events, "stream name");
  expect_invalid("surrogate\xed\xa0\x80", events, "stream name");
  expect_invalid("truncated\xe2\x82", events, "stream name");

  // The limits themselves are allowed.
  ES_EXPECT_OK(store().append(std::string(256, 'x'), ExpectedVersion::any(), make_events(1)));
  ES_EXPECT_OK(store().append("a", ExpectedVersion::any(), make_events(1)));
  ES_EXPECT_OK(store().append("konto-Ünïcødé-€-😀", ExpectedVersion::any(), make_events(1)));
  EXPECT_EQ(read_stream_events(store(), "konto-Ünïcødé-€-😀").size(), 1u);
}

TEST_P(InputLimits, EventTypeMustBeOneTo128AllowedCharacters) {
  for (const std::string& type :
       {std::string(), std::string(129, 't'), std::string("has space"), std::string("slash/no"),
        std::string("ünï"), std::string("semi;colon")}) {
    SCOPED_TRACE("type '" + type + "'");
    expect_invalid("victim", after_good(make_event(type)), "type");
  }
  ES_EXPECT_OK(store().append(
      "ok", ExpectedVersion::any(),
      std::vector<EventData>{make_event(std::string(128, 't')), make_event("Az09_.:-")}));
}

TEST_P(InputLimits, SchemaVersionMustBePositive) {
  for (const std::int32_t v : {0, -1}) {
    EventData e = make_event();
    e.schema_version = v;
    expect_invalid("victim", after_good(e), "schema_version");
  }
}

TEST_P(InputLimits, DataOverTheLimitIsRejected) {
  EventData e = make_event();
  e.data.assign(store().limits().max_data_bytes + 1, 'd');
  expect_invalid("victim", after_good(e), "data");
  e.data.assign(store().limits().max_data_bytes, 'd');
  ES_EXPECT_OK(store().append("big", ExpectedVersion::any(), std::vector<EventData>{e}));
  EXPECT_EQ(read_stream_events(store(), "big").at(0).data.size(), store().limits().max_data_bytes);
}

TEST_P(InputLimits, MetadataMustBeAJsonObjectWithinTheLimit) {
  for (const char* metadata :
       {"", "[]", "\"text\"", "42", "null", "{", "{\"a\":}", "not json", "{} trailing"}) {
    SCOPED_TRACE(std::string("metadata '") + metadata + "'");
    EventData e = make_event();
    e.metadata = metadata;
    expect_invalid("victim", after_good(e), "metadata");
  }
  EventData big = make_event();
  big.metadata = "{\"k\":\"" + std::string(store().limits().max_metadata_bytes, 'm') + "\"}";
  expect_invalid("victim", after_good(big), "metadata");
  EventData spaced = make_event();
  spaced.metadata = " \n{ \"a\" : [1, {\"b\": null}] }\n";
  ES_EXPECT_OK(store().append("meta", ExpectedVersion::any(), std::vector<EventData>{spaced}));
}

TEST_P(InputLimits, RequestWithNoEventsIsRejected) {
  expect_invalid("victim", {}, "no events");
  const auto events = make_events(1);
  const Snapshot before = snapshot(store(), "victim");
  auto r =
      store().append({{.stream = "victim", .events = events}, {.stream = "empty", .events = {}}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(snapshot(store(), "victim"), before);
}

TEST_P(InputLimits, EmptyBatchIsRejected) {
  auto r = store().append(std::span<const AppendRequest>{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("batch"), std::string_view::npos);
}

TEST_P(InputLimits, MoreEventsThanTheLimitAreRejected) {
  const std::size_t limit = store().limits().max_events_per_append;
  std::vector<EventData> events(limit + 1, EventData{.type = "t"});
  expect_invalid("victim", events, "events");
  // The limit counts a whole batch, not one request.
  std::vector<EventData> half(limit / 2 + 1, EventData{.type = "t"});
  const Snapshot before = snapshot(store(), "victim");
  auto r =
      store().append({{.stream = "victim", .events = half}, {.stream = "other", .events = half}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(snapshot(store(), "victim"), before);
  // Exactly the limit is allowed.
  events.pop_back();
  auto ok = store().append("victim", ExpectedVersion::any(), events);
  ES_ASSERT_OK(ok);
  EXPECT_EQ(ok->last_version, static_cast<std::int64_t>(limit));
}

// A store opened with smaller limits enforces them.
class CustomLimits : public StoreTest {
 protected:
  es::Limits limits() const override {
    es::Limits l;
    l.max_data_bytes = 16;
    l.max_metadata_bytes = 32;
    l.max_events_per_append = 3;
    return l;
  }
};

TEST_P(CustomLimits, StoreEnforcesTheLimitsItWasOpenedWith) {
  EXPECT_EQ(store().limits().max_events_per_append, 3u);
  EventData e = make_event("t", std::string(17, 'x'));
  EXPECT_EQ(store().append("s", ExpectedVersion::any(), std::vector<EventData>{e}).error().code(),
            StatusCode::kInvalidArgument);
  e.data.resize(16);
  ES_EXPECT_OK(store().append("s", ExpectedVersion::any(), std::vector<EventData>{e}));
  e = make_event();
  e.metadata = "{\"k\":\"" + std::string(30, 'm') + "\"}";
  EXPECT_EQ(store().append("s", ExpectedVersion::any(), std::vector<EventData>{e}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store().append("s", ExpectedVersion::any(), make_events(4)).error().code(),
            StatusCode::kInvalidArgument);
  ES_EXPECT_OK(store().append("s", ExpectedVersion::any(), make_events(3)));
  EXPECT_EQ(store().stream_info("s")->version, 4);
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(InputLimits);
ES_INSTANTIATE_FOR_EVERY_BACKEND(CustomLimits);

}  // namespace
}  // namespace es::testing
