#include "es/domain/json_reader.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace es {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool read_hex4(std::string_view text, std::size_t pos, std::uint32_t& out) {
  if (pos + 4 > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + 4; ++i) {
    const char c = text[i];
    std::uint32_t v = 0;
    if (c >= '0' && c <= '9')
      v = static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      v = static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v = static_cast<std::uint32_t>(c - 'A' + 10);
    else
      return false;
    out = out << 4 | v;
  }
  return true;
}

// Index of the first byte at or after `pos` that ends a plain stretch of a string: a quote, a
// backslash or a control character. Checks eight bytes per step (SWAR).
std::size_t find_string_special(std::string_view text, std::size_t pos) {
#if defined(__SSE2__)
  // Sixteen bytes per step where SSE2 is there (every x86-64): strings are most of a payload.
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  while (pos + 16 <= text.size()) {
    const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + pos));
    // Unsigned w < 0x20 ⇔ min(w, 0x1f) == w.
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(w, _mm_set1_epi8(0x1f)), w);
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, quote), _mm_cmpeq_epi8(w, backslash)), control);
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) return pos + static_cast<std::size_t>(std::countr_zero(mask));
    pos += 16;
  }
#endif
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  auto has_byte = [](std::uint64_t w, std::uint8_t b) {
    const std::uint64_t x = w ^ (kOnes * b);
    return (x - kOnes) & ~x & kHigh;
  };
  while (pos + 8 <= text.size()) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + pos, 8);
    const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
    const std::uint64_t special = has_byte(w, '"') | has_byte(w, '\\') | below_space;
    // The lowest flagged byte is always a true match (borrows only run upwards), and bytes are
    // loaded little-endian on every target we build for, so it is the first special byte.
    if (special != 0) return pos + static_cast<std::size_t>(std::countr_zero(special) / 8);
    pos += 8;
  }
  while (pos < text.size()) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c == '"' || c == '\\' || c < 0x20) return pos;
    ++pos;
  }
  return pos;
}

// Clinger's fast path: a decimal with at most 15 significant digits and a small exponent of ten
// converts exactly with one multiplication or division. Returns false to defer to from_chars.
bool parse_simple_double(std::string_view text, std::size_t& used, double& out) {
  static constexpr std::array<double, 16> kPow10 = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  std::size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  std::uint64_t mantissa = 0;
  int digits = 0;
  int fraction = 0;
  const std::size_t int_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i++] - '0');
    ++digits;
  }
  if (i == int_start || (text[int_start] == '0' && i - int_start > 1)) return false;
  if (i < text.size() && text[i] == '.') {
    const std::size_t frac_start = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i++] - '0');
      ++digits;
      ++fraction;
    }
    if (i == frac_start) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) return false;
  if (digits > 15 || fraction > 15) return false;
  const double value = static_cast<double>(mantissa) / kPow10[static_cast<std::size_t>(fraction)];
  out = negative ? -value : value;
  used = i;
  return true;
}

}  // namespace

bool JsonReader::fail(std::string_view what) {
  if (error_.is_ok()) {
    error_ = Status::invalid_argument(std::string(what) + " at byte " + std::to_string(pos_));
  }
  return false;
}

void JsonReader::add_context(std::string_view field) {
  if (error_.is_ok()) return;
  error_ = Status(error_.code(), std::string(field) + ": " + std::string(error_.message()));
}

void JsonReader::skip_space_slow() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
    ++pos_;
  }
}

bool JsonReader::expect_slow(char c, std::string_view what) {
  if (!ok()) return false;
  skip_space();
  if (pos_ < text_.size() && text_[pos_] == c) {
    ++pos_;
    return true;
  }
  return fail(what);
}

bool JsonReader::enter() {
  if (depth_ == kMaxDepth) return fail("nesting too deep");
  first_[static_cast<std::size_t>(++depth_)] = true;
  return true;
}

bool JsonReader::separate(std::string_view what) {
  bool& first = first_[static_cast<std::size_t>(depth_)];
  if (first) {
    first = false;
    return true;
  }
  return expect(',', what);
}

bool JsonReader::begin_object() { return expect('{', "expected an object") && enter(); }

bool JsonReader::next_key(std::string_view& key) {
  if (!ok()) return false;
  skip_space();
  if (pos_ < text_.size() && text_[pos_] == '}') {
    ++pos_;
    --depth_;
    return false;
  }
  if (!separate("expected ',' or '}' in an object")) return false;
  skip_space();
  if (!read_string_view(key)) return false;
  return expect(':', "expected ':' after a key");
}

bool JsonReader::begin_array() { return expect('[', "expected an array") && enter(); }

bool JsonReader::next_element() {
  if (!ok()) return false;
  skip_space();
  if (pos_ < text_.size() && text_[pos_] == ']') {
    ++pos_;
    --depth_;
    return false;
  }
  return separate("expected ',' or ']' in an array");
}

bool JsonReader::read_string_view(std::string_view& out) {
  if (!expect('"', "expected a string")) return false;
  const std::size_t start = pos_;
  pos_ = find_string_special(text_, pos_);
  if (pos_ < text_.size() && text_[pos_] == '"') {
    out = text_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }
  // Slow path: the string has escapes; unescape it into scratch_.
  scratch_.assign(text_.substr(start, pos_ - start));
  while (pos_ < text_.size()) {
    const char c = text_[pos_++];
    if (c == '"') {
      out = scratch_;
      return true;
    }
    if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
    if (c != '\\') {
      scratch_.push_back(c);
      continue;
    }
    if (pos_ >= text_.size()) break;
    const char e = text_[pos_++];
    switch (e) {
      case '"':
        scratch_.push_back('"');
        break;
      case '\\':
        scratch_.push_back('\\');
        break;
      case '/':
        scratch_.push_back('/');
        break;
      case 'b':
        scratch_.push_back('\b');
        break;
      case 'f':
        scratch_.push_back('\f');
        break;
      case 'n':
        scratch_.push_back('\n');
        break;
      case 'r':
        scratch_.push_back('\r');
        break;
      case 't':
        scratch_.push_back('\t');
        break;
      case 'u': {
        std::uint32_t cp = 0;
        if (!read_hex4(text_, pos_, cp)) return fail("bad \\u escape");
        pos_ += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          std::uint32_t low = 0;
          if (pos_ + 6 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u' ||
              !read_hex4(text_, pos_ + 2, low) || low < 0xDC00 || low > 0xDFFF) {
            return fail("unpaired surrogate in a \\u escape");
          }
          pos_ += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return fail("unpaired surrogate in a \\u escape");
        }
        append_utf8(scratch_, cp);
        break;
      }
      default:
        return fail("bad escape in a string");
    }
  }
  return fail("unterminated string");
}

bool JsonReader::read(std::string& out) {
  std::string_view view;
  if (!read_string_view(view)) return false;
  out.assign(view);
  return true;
}

bool JsonReader::read(bool& out) {
  if (!ok()) return false;
  skip_space();
  if (text_.substr(pos_, 4) == "true") {
    pos_ += 4;
    out = true;
    return true;
  }
  if (text_.substr(pos_, 5) == "false") {
    pos_ += 5;
    out = false;
    return true;
  }
  return fail("expected true or false");
}

bool JsonReader::parse_integer_text(std::string_view& digits, bool& negative) {
  if (!ok()) return false;
  skip_space();
  negative = pos_ < text_.size() && text_[pos_] == '-';
  const std::size_t start = pos_ + (negative ? 1 : 0);
  std::size_t end = start;
  while (end < text_.size() && text_[end] >= '0' && text_[end] <= '9') ++end;
  if (end == start || (text_[start] == '0' && end - start > 1)) {
    return fail("expected an integer");
  }
  if (end < text_.size() && (text_[end] == '.' || text_[end] == 'e' || text_[end] == 'E')) {
    return fail("expected an integer, not a fraction");
  }
  digits = text_.substr(start, end - start);
  pos_ = end;
  return true;
}

bool JsonReader::read(std::int64_t& out) {
  std::string_view digits;
  bool negative = false;
  if (!parse_integer_text(digits, negative)) return false;
  std::uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  const std::uint64_t limit =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
  if (ec != std::errc() || magnitude > limit) return fail("integer out of range");
  out = negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
  return true;
}

bool JsonReader::read(std::uint64_t& out) {
  std::string_view digits;
  bool negative = false;
  if (!parse_integer_text(digits, negative)) return false;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (negative || ec != std::errc()) return fail("integer out of range");
  return true;
}

bool JsonReader::read(double& out) {
  if (!ok()) return false;
  skip_space();
  const char* begin = text_.data() + pos_;
  const char* end = text_.data() + text_.size();
  if (begin < end && *begin == '+') return fail("expected a number");
  std::size_t used = 0;
  if (parse_simple_double(text_.substr(pos_), used, out)) {
    pos_ += used;
    return true;
  }
  auto [ptr, ec] = std::from_chars(begin, end, out);
  if (ec != std::errc() || !std::isfinite(out)) return fail("expected a number");
  pos_ += static_cast<std::size_t>(ptr - begin);
  return true;
}

bool JsonReader::consume_null() {
  if (!ok()) return false;
  skip_space();
  if (text_.substr(pos_, 4) != "null") return false;
  pos_ += 4;
  return true;
}

bool JsonReader::skip() {
  if (!ok()) return false;
  skip_space();
  if (pos_ >= text_.size()) return fail("expected a value");
  switch (text_[pos_]) {
    case '{': {
      std::string_view key;
      if (!begin_object()) return false;
      while (next_key(key)) {
        if (!skip()) return false;
      }
      return ok();
    }
    case '[':
      if (!begin_array()) return false;
      while (next_element()) {
        if (!skip()) return false;
      }
      return ok();
    case '"': {
      std::string_view ignored;
      return read_string_view(ignored);
    }
    case 't':
    case 'f': {
      bool ignored = false;
      return read(ignored);
    }
    case 'n':
      return consume_null() || fail("expected a value");
    default: {
      double ignored = 0;
      return read(ignored);
    }
  }
}

bool JsonReader::finish() {
  if (!ok()) return false;
  skip_space();
  return pos_ == text_.size() || fail("unexpected text after the value");
}

void JsonWriter::write(std::int64_t value) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, ptr);
}

void JsonWriter::write(std::uint64_t value) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, ptr);
}

void JsonWriter::write(double value) {
  if (!std::isfinite(value)) {
    write_null();
    return;
  }
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, ptr);
}

void JsonWriter::write(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  std::size_t run = 0;  // start of the current stretch that needs no escaping
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(value.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        out_ += "\\u00";
        out_.push_back(kHex[c >> 4]);
        out_.push_back(kHex[c & 0xF]);
    }
  }
  out_.append(value.substr(run));
  out_.push_back('"');
}

}  // namespace es
