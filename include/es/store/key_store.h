// KeyStore: the per-subject data keys of encryption (es/store/encryption.h), each stored wrapped
// (XChaCha20-Poly1305) by a master key (es/store/master_key.h), with the master key's fingerprint
// kept so a store opened with another master key fails with kPermissionDenied.
//
// - A subject (a person, a customer: whatever the policy names) gets one data key, created on
//   first use, with a random key id; events name the key id, never the subject.
// - shred(subject) destroys the subject's key material for ever (crypto-shredding): the key id is
//   kept as "shredded" so reads can tell an erased payload from a key store that never knew the
//   key. The SQLite store overwrites the deleted bytes (secure_delete) and checkpoints its WAL.
// - rotate_master_key() re-wraps every data key under a new master key in one transaction;
//   afterwards only the new master key opens the store.
// Unwrapped keys are cached in this object; a shred through it drops the cached key at once, a
// shred made by another process is seen here only by a KeyStore opened after it.
//
// Public methods are non-virtual and hold the wrapping logic; backends implement the protected
// hooks over records that contain only wrapped key material.
//
// Thread safety: every method may be called concurrently.
//
//   auto keys = es::open_sqlite_key_store("keys.db", *es::MasterKey::from_env("ES_MASTER_KEY"));
//   auto key = (*keys)->key_for_subject("customer-7");      // created on first use
//   es::Status s = (*keys)->shred("customer-7");           // its payloads now read as erased
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "es/core/result.h"
#include "es/store/master_key.h"

namespace es {

// An unwrapped data key; the bytes are wiped when the object is destroyed.
struct DataKey {
  static constexpr std::size_t kBytes = 32;
  std::string id;
  std::array<unsigned char, kBytes> bytes{};

  DataKey() = default;
  DataKey(const DataKey&) = default;
  DataKey& operator=(const DataKey&) = default;
  ~DataKey();
};

// What a key store holds under a key id.
enum class KeyState : std::uint8_t {
  kLive,      // the key is there
  kShredded,  // it was there and shred() destroyed it
  kUnknown,   // this store never had it
};

struct KeyLookup {
  KeyState state = KeyState::kUnknown;
  std::optional<DataKey> key;  // set when kLive
};

class KeyStore {
 public:
  // A data key as a backend stores it: `wrapped` is the key encrypted under the master key with
  // `nonce`, bound to key_id and subject as associated data.
  struct WrappedKey {
    std::string key_id;
    std::string subject;
    std::string nonce;
    std::string wrapped;
  };
  using Rewrap = std::function<Result<WrappedKey>(const WrappedKey&)>;
  static constexpr std::size_t kMaxSubjectBytes = 1024;

  explicit KeyStore(const MasterKey& master) : master_(master) {}
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;
  virtual ~KeyStore() = default;

  // The subject's data key, created (and stored) on first use. kInvalidArgument for an empty
  // subject or one over kMaxSubjectBytes.
  Result<DataKey> key_for_subject(std::string_view subject);
  // The key stored under `key_id`, or why there is none.
  Result<KeyLookup> find_key(std::string_view key_id);
  // Destroys the subject's key. kNotFound when the store has no key for `subject` (never had
  // one, or already shredded).
  Status shred(std::string_view subject);
  // Re-wraps every data key under `next`, atomically; this object then uses `next`.
  Status rotate_master_key(const MasterKey& next);
  // Fingerprint of the master key in use.
  [[nodiscard]] std::string master_fingerprint() const;

 protected:
  // Hooks, called one at a time (under this object's lock).
  virtual Result<std::optional<WrappedKey>> do_find_subject(std::string_view subject) = 0;
  // nullopt: unknown; a record with empty `wrapped`: shredded.
  virtual Result<std::optional<WrappedKey>> do_find_id(std::string_view key_id) = 0;
  // Stores `key` unless the subject already has a key; returns the subject's stored key (the
  // existing one when another writer won).
  virtual Result<WrappedKey> do_insert(const WrappedKey& key) = 0;
  // Removes the subject's key material, keeping key_id as shredded; kNotFound if none.
  virtual Status do_shred(std::string_view subject) = 0;
  // Replaces every live record by rewrap(record) and records `fingerprint` as the master key's,
  // all or nothing.
  virtual Status do_rewrap(const Rewrap& rewrap, std::string_view fingerprint) = 0;

 private:
  Result<DataKey> unwrap(const WrappedKey& key);

  mutable std::mutex mutex_;  // guards master_ and the caches
  MasterKey master_;
  std::unordered_map<std::string, DataKey> by_id_;
  std::unordered_map<std::string, std::string> id_of_subject_;
};

// A key store in this process only (tests, examples).
std::unique_ptr<KeyStore> open_memory_key_store(const MasterKey& master);

// A key store in its own SQLite file, created if missing (keep it apart from the event store: it
// is what a shred destroys, and what backups of the event log must not contain).
// kPermissionDenied when the file's keys are wrapped by another master key (the message gives
// both fingerprints).
Result<std::unique_ptr<KeyStore>> open_sqlite_key_store(const std::string& path,
                                                        const MasterKey& master);

}  // namespace es
