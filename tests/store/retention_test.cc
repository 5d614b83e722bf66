#include "store/retention.h"

#include <gtest/gtest.h>

#include "es/store/read.h"

namespace es::detail {
namespace {

TEST(RetentionBounds, NoRulesShowEverything) {
  const auto b = retention_bounds({}, 10, now());
  EXPECT_EQ(b.min_version, 1);
  EXPECT_FALSE(b.min_recorded_at.has_value());
}

TEST(RetentionBounds, MaxCountKeepsTheNewest) {
  EXPECT_EQ(retention_bounds({.max_count = 3}, 10, now()).min_version, 8);
  EXPECT_EQ(retention_bounds({.max_count = 30}, 10, now()).min_version, 1);
  EXPECT_EQ(retention_bounds({.max_count = 0}, 10, now()).min_version, 11);
  EXPECT_EQ(retention_bounds({.max_count = kUnlimited}, 10, now()).min_version, 1);
}

TEST(RetentionBounds, TruncateBeforeAndMaxCountTakeTheStricter) {
  EXPECT_EQ(retention_bounds({.max_count = 3, .truncate_before = 5}, 10, now()).min_version, 8);
  EXPECT_EQ(retention_bounds({.max_count = 8, .truncate_before = 5}, 10, now()).min_version, 5);
}

TEST(RetentionBounds, MaxAgeIsMeasuredFromNow) {
  const Timestamp t = from_unix_micros(1'000'000'000);
  const auto b = retention_bounds({.max_age = std::chrono::microseconds(250)}, 10, t);
  ASSERT_TRUE(b.min_recorded_at.has_value());
  EXPECT_EQ(*b.min_recorded_at, from_unix_micros(1'000'000'000 - 250));
}

}  // namespace
}  // namespace es::detail
