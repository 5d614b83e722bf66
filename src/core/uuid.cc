#include "es/core/uuid.h"

#include <atomic>
#include <chrono>
#include <random>

namespace es {
namespace {

// The 60 bits of (millisecond << 12 | counter) last handed out; v7() moves it strictly forward, so
// ids stay ordered across threads and when the clock steps back.
std::atomic<std::uint64_t> g_last_stamp{0};

std::uint64_t next_stamp() {
  const auto now_ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  const std::uint64_t floor = now_ms << 12;
  std::uint64_t last = g_last_stamp.load(std::memory_order_relaxed);
  std::uint64_t next = 0;
  do {
    next = floor > last ? floor : last + 1;
  } while (!g_last_stamp.compare_exchange_weak(last, next, std::memory_order_relaxed));
  return next;
}

std::uint64_t random_bits() {
  thread_local std::mt19937_64 engine = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return engine();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_dash_position(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

}  // namespace

Uuid Uuid::v7() {
  const std::uint64_t stamp = next_stamp();  // 48-bit ms, 12-bit counter
  const std::uint64_t rand = random_bits();
  Bytes b{};
  const std::uint64_t ms = stamp >> 12;
  for (std::size_t i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  const auto counter = static_cast<std::uint16_t>(stamp & 0xFFF);
  b[6] = static_cast<std::uint8_t>(0x70 | (counter >> 8));  // version 7
  b[7] = static_cast<std::uint8_t>(counter & 0xFF);
  for (std::size_t i = 0; i < 8; ++i) b[8 + i] = static_cast<std::uint8_t>(rand >> (56 - 8 * i));
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));  // RFC 9562 variant
  return Uuid(b);
}

Result<Uuid> Uuid::parse(std::string_view text) {
  auto invalid = [&] {
    return Status::invalid_argument("'" + std::string(text.substr(0, 64)) +
                                    "' is not a UUID (expected 8-4-4-4-12 hex digits)");
  };
  if (text.size() != 36) return invalid();
  Bytes b{};
  std::size_t out = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (is_dash_position(i)) {
      if (text[i] != '-') return invalid();
      ++i;
      continue;
    }
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0 || is_dash_position(i + 1)) return invalid();
    b[out++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return Uuid(b);
}

std::string Uuid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes_[i] >> 4]);
    out.push_back(kHex[bytes_[i] & 0xF]);
  }
  return out;
}

}  // namespace es
