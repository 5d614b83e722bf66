// The per-stream hash chain (docs/security.md, "Hash chain"): each stored event's hash covers its
// fields and the hash of the event before it in its stream. One encoding, shared by every backend
// (at append and in migrations) and by the verifier, so a chain written by one backend verifies
// on any other after a copy that keeps ids, versions, payloads and recorded_at.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "es/core/uuid.h"
#include "es/store/event.h"

namespace es::detail {

inline constexpr std::size_t kChainHashBytes = 32;
using ChainHash = std::array<std::uint8_t, kChainHashBytes>;

// The "previous hash" of a stream's first event.
inline constexpr ChainHash kChainStart{};

// The fields an event's chain hash covers, as views into wherever the event lives. The global
// position is deliberately left out: it differs between backends.
struct ChainFields {
  std::string_view stream;
  std::int64_t version = 0;
  Uuid id;
  std::string_view type;
  std::int32_t schema_version = 1;
  std::string_view data;
  std::string_view metadata;
  std::string_view tenant;
  std::int64_t recorded_at_us = 0;  // microseconds since the Unix epoch, UTC
};

ChainFields chain_fields(const RecordedEvent& event);
// The fields of `event` as a writer stores it: at `version` of `stream`, with `id` (the event's,
// or the one the store gave it), `tenant` and `recorded_at_us`.
ChainFields chain_fields(std::string_view stream, std::int64_t version, const Uuid& id,
                         const EventData& event, std::string_view tenant,
                         std::int64_t recorded_at_us);

// BLAKE2b-256 over the format-1 encoding of `previous` and `fields`.
ChainHash chain_hash(const ChainHash& previous, const ChainFields& fields);

// `stored` as a ChainHash when it has exactly kChainHashBytes bytes.
bool to_chain_hash(std::string_view stored, ChainHash& out);

// Lower-case hex.
std::string to_hex(const ChainHash& hash);

// BLAKE2b-256 over the encoding's fields (defined in hash_chain.cc).
class ChainEncoder;

// The store digest: BLAKE2b-256 over the heads of the chains (name, version, hash), fed in
// stream order.
class HeadDigest {
 public:
  HeadDigest();
  HeadDigest(const HeadDigest&) = delete;
  HeadDigest& operator=(const HeadDigest&) = delete;
  ~HeadDigest();

  void add(std::string_view stream, std::int64_t version, const ChainHash& hash);
  ChainHash finish();

 private:
  std::unique_ptr<ChainEncoder> encoder_;
};

// The bytes of `hash`, for storing it as a blob.
inline std::string_view as_bytes(const ChainHash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

}  // namespace es::detail
