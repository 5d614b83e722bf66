// Decodes arbitrary bytes as the stored data of an encrypted event (store/crypto/envelope.h), the
// part of a read that parses bytes an attacker with the database file controls.
// Checks: a malformed envelope is kIntegrity, never another failure or a crash; whatever decodes
// encodes to data that decodes to the same plain members and envelope; opening the ciphertext
// under a key it was not sealed with fails cleanly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "check.h"
#include "store/crypto/aead.h"
#include "store/crypto/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto sealed = es::crypto::decode_sealed(bytes);
  if (!sealed) {
    FUZZ_CHECK(sealed.error().code() == es::StatusCode::kIntegrity);
    return 0;
  }
  if (!*sealed) return 0;
  const es::crypto::SealedData& parts = **sealed;
  FUZZ_CHECK(parts.plain.is_object());
  FUZZ_CHECK(parts.envelope.nonce.size() == es::crypto::kNonceBytes);
  FUZZ_CHECK(parts.envelope.ciphertext.size() >= es::crypto::kTagBytes);

  auto again = es::crypto::decode_sealed(es::crypto::encode_sealed(parts));
  FUZZ_CHECK(again && *again);
  FUZZ_CHECK((*again)->envelope == parts.envelope);
  FUZZ_CHECK((*again)->plain == parts.plain);

  static const unsigned char kKey[es::crypto::kKeyBytes] = {};
  const es::crypto::AssociatedData ad("fuzz");
  FUZZ_CHECK(!es::crypto::open(parts.envelope.ciphertext, ad, parts.envelope.nonce, kKey));
  return 0;
}
