// The reflected JSON codec round-trips every supported member type, is strict about types,
// ignores unknown keys and names the member and byte offset of bad input.
#include <gtest/gtest.h>

#include "es/domain/json_codec.h"

namespace codec_test {

enum class Colour : std::int8_t { kRed = 1, kBlue = 2 };
struct Inner {
  std::string label;
  double ratio = 0;
};
ES_FIELDS(Inner, label, ratio)
struct Everything {
  bool flag = false;
  std::int32_t small = 0;
  std::int64_t big = 0;
  std::uint64_t unsigned_big = 0;
  double real = 0;
  std::string text;
  Colour colour = Colour::kRed;
  std::optional<std::int64_t> maybe;
  std::vector<Inner> items;
  std::map<std::string, std::int64_t> counts;
  Inner nested;
};
ES_FIELDS(Everything, flag, small, big, unsigned_big, real, text, colour, maybe, items, counts,
          nested)

}  // namespace codec_test

namespace es {
namespace {

using codec_test::Everything;

Everything sample() {
  Everything e;
  e.flag = true;
  e.small = -7;
  e.big = INT64_MIN;
  e.unsigned_big = UINT64_MAX;
  e.real = 0.1;
  e.text = "quote \" backslash \\ newline \n tab \t bell \x07 unicode \xC3\xA9";
  e.colour = codec_test::Colour::kBlue;
  e.maybe = 42;
  e.items = {{"a", 1.5}, {"b", -2.25e-10}};
  e.counts = {{"x\"y", 1}, {"z", -3}};
  e.nested = {"inner", 3.0};
  return e;
}

TEST(JsonCodec, RoundTripsEverySupportedType) {
  const Everything in = sample();
  const std::string text = json_encode(in);
  Everything out;
  ASSERT_TRUE(json_decode(text, out).is_ok()) << text;
  EXPECT_EQ(out.flag, in.flag);
  EXPECT_EQ(out.small, in.small);
  EXPECT_EQ(out.big, in.big);
  EXPECT_EQ(out.unsigned_big, in.unsigned_big);
  EXPECT_EQ(out.real, in.real);
  EXPECT_EQ(out.text, in.text);
  EXPECT_EQ(out.colour, in.colour);
  EXPECT_EQ(out.maybe, in.maybe);
  ASSERT_EQ(out.items.size(), 2U);
  EXPECT_EQ(out.items[1].ratio, -2.25e-10);
  EXPECT_EQ(out.counts, in.counts);
  EXPECT_EQ(out.nested.label, "inner");
  EXPECT_EQ(json_encode(out), text);
}

TEST(JsonCodec, NullOptionalRoundTrips) {
  Everything in;
  in.maybe.reset();
  Everything out;
  out.maybe = 5;
  ASSERT_TRUE(json_decode(json_encode(in), out).is_ok());
  EXPECT_FALSE(out.maybe.has_value());
}

TEST(JsonCodec, DecodesEscapesAndSurrogatePairs) {
  Everything out;
  ASSERT_TRUE(json_decode(R"({"text":"a\u00e9\ud83d\ude00\/\b"})", out).is_ok());
  EXPECT_EQ(out.text, "a\xC3\xA9\xF0\x9F\x98\x80/\b");
}

TEST(JsonCodec, IgnoresUnknownKeysAndKeepsDefaultsForMissingOnes) {
  Everything out;
  ASSERT_TRUE(json_decode(R"( { "new_field": {"deep": [1, {"x": null}, "s"]}, "small" : 3 } )", out)
                  .is_ok());
  EXPECT_EQ(out.small, 3);
  EXPECT_EQ(out.big, 0);
}

TEST(JsonCodec, RejectsWrongTypesNamingTheMember) {
  Everything out;
  Status s = json_decode(R"({"small":"3"})", out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("small"), std::string_view::npos) << s.to_string();
  s = json_decode(R"({"nested":{"ratio":true}})", out);
  EXPECT_NE(s.message().find("nested: ratio"), std::string_view::npos) << s.to_string();
}

TEST(JsonCodec, RejectsMalformedInput) {
  Everything out;
  for (const char* bad : {"", "{", "{\"small\":1", "{\"small\":1,}", "{,}", "[1]", "{\"small\":01}",
                          "{\"small\":1.5}", "{\"small\":99999999999}", "{\"text\":\"a\nb\"}",
                          "{\"text\":\"\\ud800\"}", "{\"small\":1} trailing", "{\"flag\":tru}"}) {
    EXPECT_EQ(json_decode(bad, out).code(), StatusCode::kInvalidArgument) << bad;
  }
}

struct Narrow {
  float ratio = 0;
};
ES_FIELDS(Narrow, ratio)

// Found by fuzz/json_codec.cc: 1.5e53 became an infinite float, which encodes as null.
TEST(JsonCodec, RejectsANumberOutOfAFloatMembersRange) {
  Narrow out;
  const Status s = json_decode(R"({"ratio":1.5e53})", out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("ratio: number out of range"), std::string_view::npos)
      << s.to_string();
  ASSERT_TRUE(json_decode(R"({"ratio":-3.4e38})", out).is_ok());
  EXPECT_TRUE(json_decode(json_encode(out), out).is_ok());
}

TEST(JsonCodec, RejectsNestingBeyondTheLimit) {
  std::string deep = R"({"x":)";
  for (int i = 0; i < 200; ++i) deep += "[";
  for (int i = 0; i < 200; ++i) deep += "]";
  deep += "}";
  Everything out;
  EXPECT_EQ(json_decode(deep, out).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace es
