// The stored form of an encrypted event's data (docs/security.md "Encryption"): a JSON object of
// the plain members plus kEncryptedMember holding the envelope
//   {"v":1,"key":KEY_ID,"nonce":BASE64,"ct":BASE64,"fields":[NAME,...]}
// where ct is the XChaCha20-Poly1305 sealing of the JSON object of the encrypted members.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "es/core/result.h"

namespace es::crypto {

inline constexpr int kEnvelopeFormat = 1;

struct Envelope {
  std::string key_id;
  std::string nonce;       // raw bytes, kNonceBytes
  std::string ciphertext;  // raw bytes, ciphertext then tag
  std::vector<std::string> fields;

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

struct SealedData {
  nlohmann::ordered_json plain;  // an object without kEncryptedMember
  Envelope envelope;
};

// The parts of stored `data`; nullopt when it carries no envelope (not a JSON object, or no
// kEncryptedMember). kIntegrity naming the problem when the envelope is malformed.
Result<std::optional<SealedData>> decode_sealed(std::string_view data);

// The stored form of `sealed` (compact JSON). By value: a caller done with its parts moves them
// in rather than copying the plain members.
std::string encode_sealed(SealedData sealed);

}  // namespace es::crypto
