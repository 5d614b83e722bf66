#include "json_text.h"

#include <fmt/format.h>

#include <cstdint>
#include <vector>

namespace es::cli {
namespace {

// A decimal number as sign, significant digits and exponent: 1.50e3 -> (+, "15", 2).
struct Decimal {
  bool negative = false;
  std::string digits;
  std::int64_t exponent = 0;
  bool operator==(const Decimal&) const = default;
};

std::optional<Decimal> to_decimal(std::string_view text) {
  Decimal d;
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    d.negative = true;
    ++i;
  }
  std::int64_t fraction_digits = 0;
  bool in_fraction = false;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    const char c = text[i];
    if (c == '.') {
      in_fraction = true;
    } else if (c >= '0' && c <= '9') {
      d.digits += c;
      if (in_fraction) ++fraction_digits;
    } else {
      return std::nullopt;
    }
  }
  std::int64_t exponent = 0;
  if (i < text.size()) {
    ++i;
    bool negative_exponent = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative_exponent = text[i++] == '-';
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      // Saturate: any exponent this large is out of a double's range anyway.
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (negative_exponent) exponent = -exponent;
  }
  d.exponent = exponent - fraction_digits;
  const auto first = d.digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};  // zero, whatever its sign
  d.digits.erase(0, first);
  const auto last = d.digits.find_last_not_of('0');
  d.exponent += static_cast<std::int64_t>(d.digits.size() - 1 - last);
  d.digits.erase(last + 1);
  return d;
}

// Deeper documents are refused: serialising them recurses once per level.
constexpr std::size_t kMaxDepth = 512;

// Builds the document like nlohmann's own DOM parser, refusing lossy numbers and duplicate keys.
class CheckedBuilder {
 public:
  Json root;
  std::string error;

  bool null() { return add(nullptr); }
  bool boolean(bool value) { return add(value); }
  bool number_integer(Json::number_integer_t value) { return add(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return add(value); }
  bool number_float(Json::number_float_t value, const std::string& lexeme) {
    const std::string stored = Json(value).dump();
    if (to_decimal(stored) != to_decimal(lexeme)) {
      error = fmt::format("number {} cannot be stored exactly (it would become {}); quote it",
                          lexeme.substr(0, 64), stored);
      return false;
    }
    return add(value);
  }
  bool string(std::string& value) { return add(std::move(value)); }
  bool binary(Json::binary_t& value) { return add(Json::binary(std::move(value))); }
  bool start_object(std::size_t /*elements*/) { return open(Json::object()); }
  bool key(std::string& name) {
    if (stack_.back()->contains(name)) {
      error = fmt::format("duplicate key '{}'", name.substr(0, 64));
      return false;
    }
    key_ = std::move(name);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*elements*/) { return open(Json::array()); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const Json::exception& e) {
    std::string_view message = e.what();
    // "[json.exception.parse_error.101] parse error at ..." -> "parse error at ..."
    if (const auto bracket = message.find("] ");
        message.starts_with("[json") && bracket != message.npos) {
      message.remove_prefix(bracket + 2);
    }
    error = fmt::format("not valid JSON: {}", message);
    return false;
  }

 private:
  bool add(Json value) {
    place(std::move(value));
    return true;
  }
  // Puts `value` where the document is at and returns it where it now lives.
  Json* place(Json value) {
    if (stack_.empty()) {
      root = std::move(value);
      return &root;
    }
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    Json& slot = parent[key_];
    slot = std::move(value);
    return &slot;
  }
  bool open(Json container) {
    if (stack_.size() == kMaxDepth) {
      error = fmt::format("nested deeper than {} levels", kMaxDepth);
      return false;
    }
    stack_.push_back(place(std::move(container)));
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  // The open containers, innermost last. Only the innermost grows, so the pointers stay valid.
  std::vector<Json*> stack_;
  std::string key_;
};

}  // namespace

Result<Json> parse_json(std::string_view text, std::string_view what) {
  CheckedBuilder builder;
  if (!Json::sax_parse(text, &builder)) {
    return Status::invalid_argument(fmt::format("{}: {}", what, builder.error));
  }
  return std::move(builder.root);
}

std::string dump(const Json& value) { return value.dump(); }

}  // namespace es::cli
