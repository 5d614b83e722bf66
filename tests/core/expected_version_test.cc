#include "es/store/expected_version.h"

#include <gtest/gtest.h>

namespace es {
namespace {

using Kind = ExpectedVersion::Kind;

TEST(ExpectedVersion, KindsAndVersions) {
  EXPECT_EQ(ExpectedVersion::any().kind(), Kind::kAny);
  EXPECT_EQ(ExpectedVersion::any().version(), -1);
  EXPECT_EQ(ExpectedVersion::no_stream().kind(), Kind::kNoStream);
  EXPECT_EQ(ExpectedVersion::no_stream().version(), 0);
  EXPECT_EQ(ExpectedVersion::stream_exists().kind(), Kind::kStreamExists);
  EXPECT_EQ(ExpectedVersion::stream_exists().version(), -1);
  EXPECT_EQ(ExpectedVersion::exact(7).kind(), Kind::kExact);
  EXPECT_EQ(ExpectedVersion::exact(7).version(), 7);
}

TEST(ExpectedVersion, ExactZeroIsNoStream) {
  EXPECT_EQ(ExpectedVersion::exact(0), ExpectedVersion::no_stream());
  EXPECT_EQ(ExpectedVersion::exact(0).kind(), Kind::kNoStream);
}

TEST(ExpectedVersion, ToStringGivesTheCliForm) {
  EXPECT_EQ(ExpectedVersion::any().to_string(), "any");
  EXPECT_EQ(ExpectedVersion::no_stream().to_string(), "no-stream");
  EXPECT_EQ(ExpectedVersion::stream_exists().to_string(), "exists");
  EXPECT_EQ(ExpectedVersion::exact(12).to_string(), "12");
}

TEST(ExpectedVersion, ParseAcceptsEveryForm) {
  struct Case {
    const char* text;
    ExpectedVersion expected;
  };
  const Case cases[] = {
      {"any", ExpectedVersion::any()},
      {"no-stream", ExpectedVersion::no_stream()},
      {"exists", ExpectedVersion::stream_exists()},
      {"0", ExpectedVersion::no_stream()},
      {"1", ExpectedVersion::exact(1)},
      {"9223372036854775807", ExpectedVersion::exact(9223372036854775807)},
  };
  for (const Case& c : cases) {
    auto parsed = ExpectedVersion::parse(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text << ": " << parsed.error().to_string();
    EXPECT_EQ(*parsed, c.expected) << c.text;
  }
}

TEST(ExpectedVersion, ParseRoundTripsToString) {
  for (const ExpectedVersion e : {ExpectedVersion::any(), ExpectedVersion::no_stream(),
                                  ExpectedVersion::stream_exists(), ExpectedVersion::exact(3)}) {
    auto parsed = ExpectedVersion::parse(e.to_string());
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, e);
  }
}

TEST(ExpectedVersion, ParseRejectsAnythingElse) {
  for (const char* text : {"", "ANY", "Any", "no_stream", "nostream", "stream_exists", "-1", "+1",
                           "1.0", "1x", " 1", "9223372036854775808", "exact(1)"}) {
    auto parsed = ExpectedVersion::parse(text);
    ASSERT_FALSE(parsed.has_value()) << "'" << text << "' parsed as " << parsed->to_string();
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(parsed.error().message().find("expected version"), std::string_view::npos);
  }
}

}  // namespace
}  // namespace es
