#include "es/store/key_store.h"

#include <sodium.h>

#include "es/core/uuid.h"
#include "store/crypto/aead.h"

namespace es {
namespace {

// Format 1 of a wrapped data key (docs/security.md "Key store").
constexpr std::string_view kWrapTag = "eventsource-cpp/data-key/1";

crypto::AssociatedData wrap_ad(const KeyStore::WrappedKey& key) {
  crypto::AssociatedData ad(kWrapTag);
  ad.text(key.key_id).text(key.subject);
  return ad;
}

KeyStore::WrappedKey wrap(const DataKey& key, std::string_view subject, const MasterKey& master) {
  KeyStore::WrappedKey out{.key_id = key.id,
                           .subject = std::string(subject),
                           .nonce = crypto::random_bytes(crypto::kNonceBytes)};
  out.wrapped = crypto::seal(
      std::string_view(reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()),
      wrap_ad(out), out.nonce, master.bytes().data());
  return out;
}

Status check_subject(std::string_view subject) {
  if (subject.empty()) return Status::invalid_argument("subject: must not be empty");
  if (subject.size() > KeyStore::kMaxSubjectBytes) {
    return Status::invalid_argument("subject: longer than " +
                                    std::to_string(KeyStore::kMaxSubjectBytes) + " bytes");
  }
  return Status::ok();
}

}  // namespace

DataKey::~DataKey() { sodium_memzero(bytes.data(), bytes.size()); }

Result<DataKey> KeyStore::unwrap(const WrappedKey& key) {
  auto plain = crypto::open(key.wrapped, wrap_ad(key), key.nonce, master_.bytes().data());
  if (!plain || plain->size() != DataKey::kBytes) {
    return Status::integrity("data key '" + key.key_id +
                             "' fails authentication under master key " + master_.fingerprint() +
                             " (the key store was modified)");
  }
  DataKey out;
  out.id = key.key_id;
  std::copy(plain->begin(), plain->end(), out.bytes.begin());
  sodium_memzero(plain->data(), plain->size());
  return out;
}

Result<DataKey> KeyStore::key_for_subject(std::string_view subject) {
  ES_RETURN_IF_ERROR(check_subject(subject));
  std::lock_guard lock(mutex_);
  if (auto id = id_of_subject_.find(std::string(subject)); id != id_of_subject_.end()) {
    if (auto key = by_id_.find(id->second); key != by_id_.end()) return key->second;
  }
  auto stored = do_find_subject(subject);
  if (!stored) return stored.error();
  if (!*stored) {
    DataKey fresh;
    fresh.id = Uuid::v7().to_string();
    crypto::init_sodium();
    randombytes_buf(fresh.bytes.data(), fresh.bytes.size());
    auto inserted = do_insert(wrap(fresh, subject, master_));
    if (!inserted) return inserted.error();
    *stored = std::move(*inserted);
  }
  auto key = unwrap(**stored);
  if (!key) return key.error();
  id_of_subject_[std::string(subject)] = key->id;
  by_id_[key->id] = *key;
  return key;
}

Result<KeyLookup> KeyStore::find_key(std::string_view key_id) {
  std::lock_guard lock(mutex_);
  if (auto key = by_id_.find(std::string(key_id)); key != by_id_.end()) {
    return KeyLookup{.state = KeyState::kLive, .key = key->second};
  }
  auto stored = do_find_id(key_id);
  if (!stored) return stored.error();
  if (!*stored) return KeyLookup{.state = KeyState::kUnknown};
  if ((*stored)->wrapped.empty()) return KeyLookup{.state = KeyState::kShredded};
  auto key = unwrap(**stored);
  if (!key) return key.error();
  by_id_[key->id] = *key;
  return KeyLookup{.state = KeyState::kLive, .key = std::move(*key)};
}

Status KeyStore::shred(std::string_view subject) {
  ES_RETURN_IF_ERROR(check_subject(subject));
  std::lock_guard lock(mutex_);
  if (auto id = id_of_subject_.find(std::string(subject)); id != id_of_subject_.end()) {
    by_id_.erase(id->second);
    id_of_subject_.erase(id);
  }
  auto stored = do_find_subject(subject);
  if (!stored) return stored.error();
  if (*stored) by_id_.erase((*stored)->key_id);
  return do_shred(subject);
}

Status KeyStore::rotate_master_key(const MasterKey& next) {
  std::lock_guard lock(mutex_);
  ES_RETURN_IF_ERROR(do_rewrap(
      [&](const WrappedKey& old) -> Result<WrappedKey> {
        auto key = unwrap(old);
        if (!key) return key.error();
        return wrap(*key, old.subject, next);
      },
      next.fingerprint()));
  master_ = next;
  return Status::ok();
}

std::string KeyStore::master_fingerprint() const {
  std::lock_guard lock(mutex_);
  return master_.fingerprint();
}

}  // namespace es
