#include "store/hash_chain.h"

#include <sodium.h>

#include <cstring>

namespace es::detail {
namespace {

// Format 1 of the encodings (docs/security.md, "Hash chain"). A new format gets a new tag.
constexpr std::string_view kChainTag = "eventsource-cpp/chain/1";
constexpr std::string_view kDigestTag = "eventsource-cpp/digest/1";

}  // namespace

// Integers and lengths are 8 bytes, little-endian, two's complement; variable-length fields are
// their length then their bytes, so no two field lists encode alike. Small fields gather in a
// buffer that BLAKE2b gets in one update, not one call per field (a verify hashes every event).
class ChainEncoder {
 public:
  explicit ChainEncoder(std::string_view tag) {
    // sodium_init() picks the fastest BLAKE2b for this CPU; it is idempotent and thread-safe.
    static const bool kInitialised = sodium_init() >= 0;
    (void)kInitialised;
    crypto_generichash_init(&state_, nullptr, 0, kChainHashBytes);
    text(tag);
  }

  void integer(std::int64_t value) {
    if (kBufferBytes - used_ < 8) flush();
    auto bits = static_cast<std::uint64_t>(value);
    for (int i = 0; i < 8; ++i) {
      buffer_[used_++] = static_cast<unsigned char>(bits & 0xFF);
      bits >>= 8;
    }
  }
  void fixed(const unsigned char* data, std::size_t size) {
    if (size == 0) return;  // an empty view's data may be null, which memcpy must not get
    if (kBufferBytes - used_ < size) flush();
    if (size >= kBufferBytes) {
      crypto_generichash_update(&state_, data, size);
      return;
    }
    std::memcpy(buffer_.data() + used_, data, size);
    used_ += size;
  }
  void text(std::string_view value) {
    integer(static_cast<std::int64_t>(value.size()));
    fixed(reinterpret_cast<const unsigned char*>(value.data()), value.size());
  }
  ChainHash finish() {
    flush();
    ChainHash out{};
    crypto_generichash_final(&state_, out.data(), out.size());
    return out;
  }

 private:
  static constexpr std::size_t kBufferBytes = 512;

  void flush() {
    if (used_ == 0) return;
    crypto_generichash_update(&state_, buffer_.data(), used_);
    used_ = 0;
  }

  crypto_generichash_state state_{};
  std::array<unsigned char, kBufferBytes> buffer_{};
  std::size_t used_ = 0;
};

ChainFields chain_fields(const RecordedEvent& event) {
  return {.stream = event.stream,
          .version = event.version,
          .id = event.id,
          .type = event.type,
          .schema_version = event.schema_version,
          .data = event.data,
          .metadata = event.metadata,
          .tenant = event.tenant,
          .recorded_at_us = to_unix_micros(event.recorded_at)};
}

ChainFields chain_fields(std::string_view stream, std::int64_t version, const Uuid& id,
                         const EventData& event, std::string_view tenant,
                         std::int64_t recorded_at_us) {
  return {.stream = stream,
          .version = version,
          .id = id,
          .type = event.type,
          .schema_version = event.schema_version,
          .data = event.data,
          .metadata = event.metadata,
          .tenant = tenant,
          .recorded_at_us = recorded_at_us};
}

ChainHash chain_hash(const ChainHash& previous, const ChainFields& fields) {
  ChainEncoder e(kChainTag);
  e.fixed(previous.data(), previous.size());
  e.text(fields.stream);
  e.integer(fields.version);
  e.fixed(fields.id.bytes().data(), fields.id.bytes().size());
  e.text(fields.type);
  e.integer(fields.schema_version);
  e.text(fields.data);
  e.text(fields.metadata);
  e.text(fields.tenant);
  e.integer(fields.recorded_at_us);
  return e.finish();
}

bool to_chain_hash(std::string_view stored, ChainHash& out) {
  if (stored.size() != out.size()) return false;
  std::memcpy(out.data(), stored.data(), out.size());
  return true;
}

std::string to_hex(const ChainHash& hash) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(hash.size() * 2);
  for (const std::uint8_t b : hash) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

HeadDigest::HeadDigest() : encoder_(std::make_unique<ChainEncoder>(kDigestTag)) {}
HeadDigest::~HeadDigest() = default;

void HeadDigest::add(std::string_view stream, std::int64_t version, const ChainHash& hash) {
  encoder_->text(stream);
  encoder_->integer(version);
  encoder_->fixed(hash.data(), hash.size());
}

ChainHash HeadDigest::finish() { return encoder_->finish(); }

}  // namespace es::detail
