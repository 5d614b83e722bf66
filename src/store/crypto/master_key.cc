#include "es/store/master_key.h"

#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "store/crypto/aead.h"

namespace es {
namespace {

constexpr std::string_view kFingerprintTag = "eventsource-cpp/master-key-fingerprint/1";
constexpr std::string_view kForms =
    "a master key is 64 hex digits or 32 bytes in base64 (44 characters)";

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == text.npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::string hex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

}  // namespace

MasterKey::~MasterKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

MasterKey MasterKey::generate() {
  crypto::init_sodium();
  MasterKey key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  return key;
}

Result<MasterKey> MasterKey::from_text(std::string_view text) {
  crypto::init_sodium();
  text = trimmed(text);
  MasterKey key;
  std::size_t written = 0;
  const char* end = nullptr;
  if (text.size() == kBytes * 2 &&
      sodium_hex2bin(key.bytes_.data(), key.bytes_.size(), text.data(), text.size(), nullptr,
                     &written, &end) == 0 &&
      written == kBytes && end == text.data() + text.size()) {
    return key;
  }
  auto decoded = crypto::from_base64(text);
  if (!decoded || decoded->size() != kBytes) {
    if (decoded) sodium_memzero(decoded->data(), decoded->size());
    return Status::invalid_argument(std::string(kForms));
  }
  std::copy(decoded->begin(), decoded->end(), key.bytes_.begin());
  sodium_memzero(decoded->data(), decoded->size());
  return key;
}

Result<MasterKey> MasterKey::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("master key file '" + path + "' cannot be read");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (content.size() == kBytes) {
    MasterKey raw;
    std::copy(content.begin(), content.end(), raw.bytes_.begin());
    sodium_memzero(content.data(), content.size());
    return raw;
  }
  auto key = from_text(content);
  sodium_memzero(content.data(), content.size());
  if (!key) {
    return Status::invalid_argument("master key file '" + path + "': " + std::string(kForms) +
                                    ", or 32 raw bytes");
  }
  return key;
}

Result<MasterKey> MasterKey::from_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return Status::not_found(std::string("environment variable ") + name + " is not set");
  }
  auto key = from_text(value);
  if (!key) return Status::invalid_argument(std::string(name) + ": " + std::string(kForms));
  return key;
}

std::string MasterKey::to_hex() const { return hex(bytes_.data(), bytes_.size()); }

std::string MasterKey::fingerprint() const {
  crypto::init_sodium();
  std::array<unsigned char, 8> out{};
  crypto_generichash(out.data(), out.size(),
                     reinterpret_cast<const unsigned char*>(kFingerprintTag.data()),
                     kFingerprintTag.size(), bytes_.data(), bytes_.size());
  return hex(out.data(), out.size());
}

}  // namespace es
