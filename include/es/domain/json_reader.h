// JsonReader and JsonWriter: a small, strict, allocation-light JSON pull parser and writer —
// the engine under the reflected JSON codec (es/domain/json_codec.h). Decoding events is the hot
// path of every aggregate load, so the reader works on the stored bytes in place and copies only
// into the target fields.
//
// Thread safety: one object per thread.
//
//   es::JsonReader r(R"({"cents":500})");
//   std::string_view key;
//   std::int64_t cents = 0;
//   if (r.begin_object()) while (r.next_key(key)) if (key == "cents") r.read(cents); else r.skip();
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "es/core/status.h"

namespace es {

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  // Each call consumes one token (or value); on a mismatch it records the first error and every
  // later call returns false.
  bool begin_object();
  // The next key of the current object; false at its closing brace (consumed) or on error.
  bool next_key(std::string_view& key);
  bool begin_array();
  // True when another element follows in the current array; false at its closing bracket.
  bool next_element();
  bool read(bool& out);
  bool read(std::int64_t& out);
  bool read(std::uint64_t& out);
  bool read(double& out);
  bool read(std::string& out);
  // Consumes a null when one is next.
  bool consume_null();
  // Skips one value of any kind.
  bool skip();
  // After the top-level value: only whitespace may follow.
  bool finish();

  [[nodiscard]] bool ok() const { return error_.is_ok(); }
  [[nodiscard]] const Status& error() const { return error_; }
  // Records `what` (e.g. "expected an integer") with the byte offset, once.
  bool fail(std::string_view what);
  // Prefixes the recorded error with a field path, e.g. "qty: ".
  void add_context(std::string_view field);

 private:
  // Inline fast paths: between tokens of stored events there is rarely any whitespace, and the
  // next byte is usually the one expected.
  void skip_space() {
    if (pos_ < text_.size() && static_cast<unsigned char>(text_[pos_]) > ' ') return;
    skip_space_slow();
  }
  bool expect(char c, std::string_view what) {
    if (pos_ < text_.size() && text_[pos_] == c && ok()) {
      ++pos_;
      return true;
    }
    return expect_slow(c, what);
  }
  void skip_space_slow();
  bool expect_slow(char c, std::string_view what);
  bool read_string_view(std::string_view& out);
  bool parse_integer_text(std::string_view& digits, bool& negative);

  static constexpr int kMaxDepth = 128;

  // Opens a container level; its first member needs no comma.
  bool enter();
  // Before a member of the current level: a comma unless it is the first.
  bool separate(std::string_view what);

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::array<bool, kMaxDepth + 1> first_{};  // per open level: no member read yet
  std::string scratch_;                      // unescaped text of a key or string with escapes
  Status error_;
};

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { out_.push_back('{'); }
  void end_object() { out_.push_back('}'); }
  void begin_array() { out_.push_back('['); }
  void end_array() { out_.push_back(']'); }
  void comma() { out_.push_back(','); }
  // Writes "key": with the key escaped as a string.
  void key(std::string_view key) {
    write(key);
    out_.push_back(':');
  }
  void write(bool value) { out_ += value ? "true" : "false"; }
  void write(std::int64_t value);
  void write(std::uint64_t value);
  void write(double value);  // shortest round-trip form; NaN and infinities become null
  void write(std::string_view value);
  void write_null() { out_ += "null"; }

 private:
  std::string& out_;
};

}  // namespace es
