#include "es/core/traceparent.h"

#include <algorithm>
#include <random>
#include <span>

namespace es {
namespace {

constexpr std::size_t kLength = 55;  // "00-" + 32 + "-" + 16 + "-" + 2
constexpr std::string_view kDigits = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is invalid too
}

// Reads 2 * out.size() hex digits of `text` into `out`.
bool read_hex(std::string_view text, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = hex_value(text[2 * i]);
    const int low = hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return true;
}

void append_hex(std::string& out, std::span<const std::uint8_t> bytes) {
  for (const std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0f];
  }
}

bool all_zero(std::span<const std::uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

// Random non-zero bytes from a per-thread generator seeded by the system's entropy source.
void fill_random(std::span<std::uint8_t> out) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  do {
    for (std::uint8_t& b : out) b = static_cast<std::uint8_t>(engine());
  } while (all_zero(out));
}

}  // namespace

std::optional<Traceparent> Traceparent::parse(std::string_view text) {
  if (text.size() < kLength || text[2] != '-' || text[35] != '-' || text[52] != '-') {
    return std::nullopt;
  }
  std::array<std::uint8_t, 1> version{};
  if (!read_hex(text.substr(0, 2), version) || version[0] == 0xff) return std::nullopt;
  // Version 00 is exactly 55 characters; a later one may carry more fields after a '-'.
  if (text.size() > kLength && (version[0] == 0 || text[kLength] != '-')) return std::nullopt;
  Traceparent out;
  std::array<std::uint8_t, 1> flags{};
  if (!read_hex(text.substr(3, 32), out.trace_id) || !read_hex(text.substr(36, 16), out.span_id) ||
      !read_hex(text.substr(53, 2), flags)) {
    return std::nullopt;
  }
  if (all_zero(out.trace_id) || all_zero(out.span_id)) return std::nullopt;
  out.flags = flags[0];
  return out;
}

Traceparent Traceparent::root() {
  Traceparent out;
  fill_random(out.trace_id);
  fill_random(out.span_id);
  out.flags = 1;
  return out;
}

Traceparent Traceparent::child() const {
  Traceparent out = *this;
  fill_random(out.span_id);
  return out;
}

std::string Traceparent::to_string() const {
  std::string out = "00-";
  append_hex(out, trace_id);
  out += '-';
  append_hex(out, span_id);
  out += '-';
  append_hex(out, std::span(&flags, 1));
  return out;
}

std::string Traceparent::trace_id_hex() const {
  std::string out;
  append_hex(out, trace_id);
  return out;
}

std::string Traceparent::span_id_hex() const {
  std::string out;
  append_hex(out, span_id);
  return out;
}

}  // namespace es
