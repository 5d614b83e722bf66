// MasterKey: the 32-byte key that wraps (encrypts) every data key of a key store
// (es/store/key_store.h, docs/security.md "Encryption"). It never leaves the process: a key store
// records only its fingerprint, so opening one with the wrong master key fails clearly.
//
// Text forms accepted by from_text(): 64 hex digits, or 32 bytes in standard base64 (44
// characters with padding); surrounding whitespace is ignored. A file may also hold the 32 raw
// bytes.
//
// Thread safety: a value type; the bytes are wiped when the object is destroyed.
//
//   auto master = es::MasterKey::from_env("ES_MASTER_KEY");   // or from_file("master.key")
//   auto fresh = es::MasterKey::generate();
//   std::cout << fresh.to_hex();                               // store it somewhere safe
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "es/core/result.h"

namespace es {

class MasterKey {
 public:
  static constexpr std::size_t kBytes = 32;

  // A fresh random key.
  static MasterKey generate();
  // kInvalidArgument naming the accepted forms when `text` is none of them.
  static Result<MasterKey> from_text(std::string_view text);
  // The key in file `path` (text form or 32 raw bytes); kNotFound when the file is missing.
  static Result<MasterKey> from_file(const std::string& path);
  // The key in environment variable `name` (text form); kNotFound when it is unset or empty.
  static Result<MasterKey> from_env(const char* name);

  MasterKey(const MasterKey& other) = default;
  MasterKey& operator=(const MasterKey& other) = default;
  ~MasterKey();

  [[nodiscard]] const std::array<unsigned char, kBytes>& bytes() const { return bytes_; }
  // 64 lower-case hex digits: the text form, for writing a generated key to a file.
  [[nodiscard]] std::string to_hex() const;
  // 16 hex digits derived from the key by a keyed hash: names the key without revealing it.
  [[nodiscard]] std::string fingerprint() const;

 private:
  MasterKey() = default;
  std::array<unsigned char, kBytes> bytes_{};
};

}  // namespace es
