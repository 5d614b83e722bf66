#include "store/crypto/aead.h"

#include <sodium.h>

#include <stdexcept>

namespace es::crypto {

void init_sodium() {
  static const bool kInitialised = sodium_init() >= 0;
  if (!kInitialised) throw std::runtime_error("libsodium failed to initialise");
}

std::string random_bytes(std::size_t size) {
  init_sodium();
  std::string out(size, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

AssociatedData& AssociatedData::integer(std::int64_t value) {
  auto bits = static_cast<std::uint64_t>(value);
  for (int i = 0; i < 8; ++i) {
    bytes_.push_back(static_cast<char>(bits & 0xFF));
    bits >>= 8;
  }
  return *this;
}

AssociatedData& AssociatedData::text(std::string_view value) {
  integer(static_cast<std::int64_t>(value.size()));
  bytes_.append(value);
  return *this;
}

namespace {

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

std::string seal(std::string_view plaintext, const AssociatedData& ad, std::string_view nonce,
                 const unsigned char* key) {
  init_sodium();
  std::string out(plaintext.size() + kTagBytes, '\0');
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(out.data()), &written, bytes_of(plaintext), plaintext.size(),
      bytes_of(ad.bytes()), ad.bytes().size(), nullptr, bytes_of(nonce), key);
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::optional<std::string> open(std::string_view ciphertext, const AssociatedData& ad,
                                std::string_view nonce, const unsigned char* key) {
  init_sodium();
  if (ciphertext.size() < kTagBytes || nonce.size() != kNonceBytes) return std::nullopt;
  std::string out(ciphertext.size() - kTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &written, nullptr, bytes_of(ciphertext),
          ciphertext.size(), bytes_of(ad.bytes()), ad.bytes().size(), bytes_of(nonce), key) != 0) {
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string to_base64(std::string_view bytes) {
  init_sodium();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes_of(bytes), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> from_base64(std::string_view text) {
  init_sodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &written, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(written);
  return out;
}

}  // namespace es::crypto
