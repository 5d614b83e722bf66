#include "store/crypto/envelope.h"

#include "es/store/encryption.h"
#include "store/crypto/aead.h"

namespace es::crypto {
namespace {

Status malformed(std::string_view what) {
  return Status::integrity("malformed encryption envelope: " + std::string(what));
}

}  // namespace

Result<std::optional<SealedData>> decode_sealed(std::string_view data) {
  // Most events are not encrypted: skip the parse when the member name cannot be there.
  if (data.find(kEncryptedMember) == data.npos) return std::optional<SealedData>();
  auto object = nlohmann::ordered_json::parse(data, nullptr, false);
  if (!object.is_object()) return std::optional<SealedData>();
  auto member = object.find(kEncryptedMember);
  if (member == object.end()) return std::optional<SealedData>();
  const nlohmann::ordered_json& env = *member;
  if (!env.is_object()) return malformed("not an object");
  auto version = env.find("v");
  if (version == env.end() || !version->is_number_integer() ||
      version->get<std::int64_t>() != kEnvelopeFormat) {
    return malformed("\"v\" is not format 1");
  }
  SealedData out;
  auto key = env.find("key");
  if (key == env.end() || !key->is_string() || key->get_ref<const std::string&>().empty()) {
    return malformed("\"key\" is not a key id");
  }
  out.envelope.key_id = key->get<std::string>();
  // A base64 member decoded, at least `min` bytes long (exactly, when `exact`).
  auto bytes_of = [&](const char* name, std::size_t min, bool exact) -> Result<std::string> {
    auto text = env.find(name);
    std::optional<std::string> bytes;
    if (text != env.end() && text->is_string()) {
      bytes = from_base64(text->get_ref<const std::string&>());
    }
    if (!bytes || bytes->size() < min || (exact && bytes->size() != min)) {
      return malformed("\"" + std::string(name) + "\" is not base64 of the right size");
    }
    return std::move(*bytes);
  };
  auto nonce = bytes_of("nonce", kNonceBytes, true);
  if (!nonce) return nonce.error();
  auto ciphertext = bytes_of("ct", kTagBytes, false);
  if (!ciphertext) return ciphertext.error();
  out.envelope.nonce = std::move(*nonce);
  out.envelope.ciphertext = std::move(*ciphertext);
  auto fields = env.find("fields");
  if (fields == env.end() || !fields->is_array()) return malformed("\"fields\" is not an array");
  for (const auto& field : *fields) {
    if (!field.is_string()) return malformed("\"fields\" holds a non-string");
    out.envelope.fields.push_back(field.get<std::string>());
  }
  object.erase(member);
  out.plain = std::move(object);
  return std::optional<SealedData>(std::move(out));
}

std::string encode_sealed(SealedData sealed) {
  nlohmann::ordered_json object = std::move(sealed.plain);
  object[std::string(kEncryptedMember)] = {{"v", kEnvelopeFormat},
                                           {"key", sealed.envelope.key_id},
                                           {"nonce", to_base64(sealed.envelope.nonce)},
                                           {"ct", to_base64(sealed.envelope.ciphertext)},
                                           {"fields", sealed.envelope.fields}};
  return object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::strict);
}

}  // namespace es::crypto
