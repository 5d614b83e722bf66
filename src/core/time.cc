#include "es/core/time.h"

#include <cstdio>

namespace es {
namespace {

using std::chrono::days;
using std::chrono::microseconds;

// Reads exactly `width` decimal digits at `pos`, advancing it.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += width;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

Timestamp now() {
  return std::chrono::time_point_cast<microseconds>(std::chrono::system_clock::now());
}

std::string format_time(Timestamp t) {
  const auto day = std::chrono::floor<days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss<microseconds> hms(t - day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<long long>(hms.subseconds().count()));
  return buf;
}

Result<Timestamp> parse_time(std::string_view text) {
  auto invalid = [&] {
    return Status::invalid_argument("'" + std::string(text.substr(0, 64)) +
                                    "' is not an ISO-8601 time (e.g. 2026-01-15T09:30:00Z)");
  };
  std::size_t pos = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, day)) {
    return invalid();
  }
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return invalid();
  Timestamp result = std::chrono::sys_days(ymd);
  if (pos == text.size()) return result;

  int hour = 0;
  int minute = 0;
  int second = 0;
  if ((text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') ||
      !read_digits(text, ++pos, 2, hour) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, minute) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, second) || hour > 23 || minute > 59 || second > 60) {
    return invalid();
  }
  result += std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t micros = 0;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return invalid();
    for (std::size_t i = digits; i < 6; ++i) micros *= 10;
    result += microseconds(micros);
  }
  if (pos == text.size()) return result;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    return pos + 1 == text.size() ? Result<Timestamp>(result) : invalid();
  }
  const char sign = text[pos++];
  int off_h = 0;
  int off_m = 0;
  if ((sign != '+' && sign != '-') || !read_digits(text, pos, 2, off_h) ||
      !expect(text, pos, ':') || !read_digits(text, pos, 2, off_m) || pos != text.size() ||
      off_h > 23 || off_m > 59) {
    return invalid();
  }
  const auto offset = std::chrono::hours(off_h) + std::chrono::minutes(off_m);
  return sign == '+' ? result - offset : result + offset;
}

}  // namespace es
