#include "es/bus/envelope.h"

#include <gtest/gtest.h>

#include <map>

#include "es/bus/bus_url.h"
#include "support/events.h"

namespace es {
namespace {

RecordedEvent sample() {
  return RecordedEvent{.id = Uuid::v7(),
                       .stream = "order-7",
                       .version = 3,
                       .position = Position(12, 345),
                       .type = "shop.OrderPlaced",
                       .schema_version = 2,
                       .data = std::string("{\"sku\":\"a\"}\0\xff", 13),
                       .metadata = R"({"actor":"ada"})",
                       .tenant = "acme",
                       .recorded_at = from_unix_micros(1'764'000'000'123'456)};
}

Result<RecordedEvent> decode(const std::map<std::string, std::string, std::less<>>& fields) {
  return event_from_envelope([&](std::string_view name) -> std::optional<std::string_view> {
    auto it = fields.find(name);
    if (it == fields.end()) return std::nullopt;
    return it->second;
  });
}

std::map<std::string, std::string, std::less<>> fields_of(const RecordedEvent& event) {
  std::map<std::string, std::string, std::less<>> fields;
  for (const auto& [name, value] : envelope_fields(event)) fields.emplace(name, value);
  return fields;
}

TEST(Envelope, CarriesEveryFieldOfTheEventBinaryDataIncluded) {
  const RecordedEvent event = sample();
  auto back = decode(fields_of(event));
  ASSERT_TRUE(back) << testing::describe(back);
  EXPECT_EQ(back->id, event.id);
  EXPECT_EQ(back->stream, event.stream);
  EXPECT_EQ(back->version, event.version);
  EXPECT_EQ(back->position, event.position);
  EXPECT_EQ(back->type, event.type);
  EXPECT_EQ(back->schema_version, event.schema_version);
  EXPECT_EQ(back->data, event.data);
  EXPECT_EQ(back->metadata, event.metadata);
  EXPECT_EQ(back->tenant, event.tenant);
  EXPECT_EQ(back->recorded_at, event.recorded_at);
}

TEST(Envelope, NamesTheMissingOrMalformedField) {
  auto fields = fields_of(sample());
  fields.erase("stream");
  auto missing = decode(fields);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.error().message().find("'stream'"), std::string_view::npos);

  fields = fields_of(sample());
  fields["version"] = "3x";
  auto bad = decode(fields);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("'version'"), std::string_view::npos);
}

TEST(BusUrl, ParsesRedisAndNatsUrlsWithTheirDefaultPorts) {
  auto redis = parse_bus_url("redis://127.0.0.1:59001/orders");
  ASSERT_TRUE(redis) << testing::describe(redis);
  EXPECT_EQ(redis->scheme, "redis");
  EXPECT_EQ(redis->host, "127.0.0.1");
  EXPECT_EQ(redis->port, 59001);
  EXPECT_EQ(redis->target, "orders");
  auto nats = parse_bus_url("nats://localhost/shop.events");
  ASSERT_TRUE(nats) << testing::describe(nats);
  EXPECT_EQ(nats->port, 4222);
  EXPECT_EQ(nats->target, "shop.events");
}

TEST(BusUrl, RejectsUrlsItCannotUse) {
  for (const char* text : {"kafka://h:1/t", "redis://h:1", "redis://h:1/", "redis://:1/s",
                           "redis://h:0/s", "redis://h:99999/s", "nats//h/s"}) {
    auto url = parse_bus_url(text);
    EXPECT_FALSE(url) << text;
    if (!url) {
      EXPECT_EQ(url.error().code(), StatusCode::kInvalidArgument) << text;
    }
  }
}

}  // namespace
}  // namespace es
