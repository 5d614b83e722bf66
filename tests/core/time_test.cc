#include "es/core/time.h"

#include <gtest/gtest.h>

#include <string>

namespace es {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;

Timestamp at(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days(std::chrono::year_month_day{
      std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)});
}

Timestamp parse_ok(std::string_view text) {
  auto parsed = parse_time(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << parsed.error().to_string();
  return parsed.value_or(Timestamp{});
}

TEST(Time, NowIsMicrosecondResolutionUtc) {
  const Timestamp a = now();
  const Timestamp b = now();
  EXPECT_LE(a, b);
  EXPECT_GT(a, at(2020, 1, 1));
}

TEST(Time, UnixMicrosRoundTrip) {
  EXPECT_EQ(to_unix_micros(from_unix_micros(0)), 0);
  EXPECT_EQ(to_unix_micros(from_unix_micros(1'700'000'000'123'456)), 1'700'000'000'123'456);
  EXPECT_EQ(to_unix_micros(from_unix_micros(-5)), -5);
}

TEST(Time, FormatAlwaysWritesSixFractionalDigitsAndZ) {
  EXPECT_EQ(format_time(from_unix_micros(0)), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_time(at(2026, 11, 22) + hours(19) + minutes(7) + microseconds(123456)),
            "2026-11-22T19:07:00.123456Z");
  EXPECT_EQ(
      format_time(at(2024, 2, 29) + hours(23) + minutes(59) + seconds(59) + microseconds(999999)),
      "2024-02-29T23:59:59.999999Z");
  EXPECT_EQ(format_time(from_unix_micros(-1)), "1969-12-31T23:59:59.999999Z");
}

TEST(Time, FormatThenParseRoundTrips) {
  for (const std::int64_t micros :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{1'700'000'000'123'456},
        std::int64_t{951'782'400'000'000} /* 2000-02-29 */, std::int64_t{-86'400'000'001},
        std::int64_t{253'402'300'799'999'999} /* 9999-12-31T23:59:59.999999 */}) {
    const Timestamp t = from_unix_micros(micros);
    EXPECT_EQ(parse_ok(format_time(t)), t) << format_time(t);
  }
  const Timestamp current = now();
  EXPECT_EQ(parse_ok(format_time(current)), current);
}

TEST(Time, ParseDateOnlyIsMidnightUtc) { EXPECT_EQ(parse_ok("2026-01-15"), at(2026, 1, 15)); }

TEST(Time, ParseDateTimeWithoutZoneIsUtc) {
  EXPECT_EQ(parse_ok("2026-01-15T09:30:00"), at(2026, 1, 15) + hours(9) + minutes(30));
  EXPECT_EQ(parse_ok("2026-01-15T09:30:00Z"), at(2026, 1, 15) + hours(9) + minutes(30));
  EXPECT_EQ(parse_ok("2026-01-15t09:30:00z"), at(2026, 1, 15) + hours(9) + minutes(30));
  EXPECT_EQ(parse_ok("2026-01-15 09:30:00"), at(2026, 1, 15) + hours(9) + minutes(30));
}

TEST(Time, ParseAppliesOffsets) {
  const Timestamp utc = at(2026, 1, 15) + hours(9) + minutes(30);
  EXPECT_EQ(parse_ok("2026-01-15T11:00:00+01:30"), utc);
  EXPECT_EQ(parse_ok("2026-01-15T04:30:00-05:00"), utc);
  EXPECT_EQ(parse_ok("2026-01-15T09:30:00+00:00"), utc);
  EXPECT_EQ(parse_ok("2026-01-15T09:30:00-00:00"), utc);
  // An offset can move the instant to another day.
  EXPECT_EQ(parse_ok("2026-01-01T01:00:00+02:00"), at(2025, 12, 31) + hours(23));
  EXPECT_EQ(parse_ok("2025-12-31T22:00:00-03:00"), at(2026, 1, 1) + hours(1));
}

TEST(Time, ParseKeepsFractionsToTheMicrosecond) {
  const Timestamp base = at(2026, 1, 15) + hours(9);
  EXPECT_EQ(parse_ok("2026-01-15T09:00:00.5Z"), base + microseconds(500000));
  EXPECT_EQ(parse_ok("2026-01-15T09:00:00.123Z"), base + microseconds(123000));
  EXPECT_EQ(parse_ok("2026-01-15T09:00:00.123456Z"), base + microseconds(123456));
  // Digits past the microsecond are dropped, not rounded.
  EXPECT_EQ(parse_ok("2026-01-15T09:00:00.123456789Z"), base + microseconds(123456));
  EXPECT_EQ(parse_ok("2026-01-15T09:00:00.000001+01:00"), base - hours(1) + microseconds(1));
  EXPECT_EQ(parse_ok("2026-01-15T09:00:00.25"), base + microseconds(250000));
}

TEST(Time, ParseRejectsMalformedText) {
  for (const char* text : {
           "",
           "2026",
           "2026-1-15",
           "2026-01-15T",
           "2026-01-15T9:30:00Z",
           "2026-01-15T09:30Z",
           "2026-01-15T09:30:00ZZ",
           "2026-01-15T09:30:00.Z",            // fraction without digits
           "2026-01-15T09:30:00.1234567890Z",  // ten fractional digits
           "2026-01-15T09:30:00+0100",         // offset without colon
           "2026-01-15T09:30:00+01",           // offset without minutes
           "2026-01-15T09:30:00+24:00",        // offset hour out of range
           "2026-01-15T09:30:00+01:60",        // offset minute out of range
           "2026-01-15T09:30:00 UTC",
           "2026-13-01",            // month out of range
           "2026-02-30",            // no such day
           "2025-02-29",            // not a leap year
           "2026-01-15T24:00:00Z",  // hour out of range
           "2026-01-15T09:60:00Z",  // minute out of range
           "2026-01-15T09:30:61Z",  // second out of range
           "2026-01-15X09:30:00Z",  // wrong separator
           "26-01-15",
           "2026-01-15T09:30:00Zjunk",
           "yesterday",
       }) {
    auto parsed = parse_time(text);
    ASSERT_FALSE(parsed.has_value()) << "'" << text << "' parsed as " << format_time(*parsed);
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(parsed.error().message().find("ISO-8601"), std::string_view::npos) << text;
  }
}

}  // namespace
}  // namespace es
