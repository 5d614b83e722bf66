#include "es/core/position.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

namespace es {
namespace {

TEST(Position, StartComesBeforeEveryOtherPosition) {
  EXPECT_TRUE(Position::start().is_start());
  EXPECT_TRUE(Position().is_start());
  EXPECT_LT(Position::start(), Position(0, 1));
  EXPECT_LT(Position::start(), Position(1, 0));
  EXPECT_FALSE(Position(0, 1).is_start());
}

TEST(Position, OrdersByMajorThenMinor) {
  EXPECT_LT(Position(0, 5), Position(0, 6));
  EXPECT_LT(Position(0, 999), Position(1, 0));
  EXPECT_LT(Position(1, 9), Position(2, 1));
  EXPECT_EQ(Position(3, 4), Position(3, 4));
  EXPECT_NE(Position(3, 4), Position(4, 3));
  std::vector<Position> positions{{2, 1}, {0, 7}, {1, 3}, {0, 2}, {1, 0}};
  std::sort(positions.begin(), positions.end());
  EXPECT_EQ(positions, (std::vector<Position>{{0, 2}, {0, 7}, {1, 0}, {1, 3}, {2, 1}}));
}

TEST(Position, StringFormOmitsAZeroMajor) {
  EXPECT_EQ(Position::start().to_string(), "0");
  EXPECT_EQ(Position(0, 42).to_string(), "42");
  EXPECT_EQ(Position(7, 42).to_string(), "7:42");
}

TEST(Position, ParseRoundTripsTheStringForm) {
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  for (const Position p : {Position::start(), Position(0, 1), Position(0, 123456789),
                           Position(1, 0), Position(98765, 4321), Position(max, max)}) {
    auto parsed = Position::parse(p.to_string());
    ASSERT_TRUE(parsed.has_value()) << p.to_string() << ": " << parsed.error().to_string();
    EXPECT_EQ(*parsed, p) << p.to_string();
  }
}

TEST(Position, ParseAcceptsAnExplicitZeroMajor) {
  auto parsed = Position::parse("0:5");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, Position(0, 5));
}

TEST(Position, ParseRejectsMalformedText) {
  for (const char* text :
       {"", ":", "1:", ":1", "1:2:3", "-1", "+1", " 1", "1 ", "0x10", "abc", "1.5", "1,2",
        "18446744073709551616", "1:18446744073709551616", "000000000000000000001"}) {
    auto parsed = Position::parse(text);
    ASSERT_FALSE(parsed.has_value()) << "'" << text << "' parsed as " << parsed->to_string();
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(parsed.error().message().find("position"), std::string_view::npos);
  }
}

}  // namespace
}  // namespace es
