// The libsodium primitives encryption uses, in one place: XChaCha20-Poly1305 (IETF) sealing with
// associated data, random nonces, the associated-data encoding and base64 (docs/security.md
// "Encryption").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace es::crypto {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kNonceBytes = 24;
inline constexpr std::size_t kTagBytes = 16;

// Initialises libsodium once (idempotent, thread-safe).
void init_sodium();

std::string random_bytes(std::size_t size);

// Associated data: a tag then fields, each integer 8 bytes little-endian and each text its length
// (8 bytes) then its bytes, so no two field lists encode alike.
class AssociatedData {
 public:
  explicit AssociatedData(std::string_view tag) { text(tag); }
  AssociatedData& integer(std::int64_t value);
  AssociatedData& text(std::string_view value);
  [[nodiscard]] const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// `plaintext` encrypted and authenticated with `ad` (ciphertext then tag). `nonce` has
// kNonceBytes, `key` kKeyBytes.
std::string seal(std::string_view plaintext, const AssociatedData& ad, std::string_view nonce,
                 const unsigned char* key);
// The plaintext, or nullopt when the ciphertext, the nonce or `ad` is not what was sealed.
std::optional<std::string> open(std::string_view ciphertext, const AssociatedData& ad,
                                std::string_view nonce, const unsigned char* key);

// Standard base64 with padding.
std::string to_base64(std::string_view bytes);
// nullopt unless `text` is padded standard base64.
std::optional<std::string> from_base64(std::string_view text);

}  // namespace es::crypto
