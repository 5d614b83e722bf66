// Encryption with crypto-shredding (DESIGN §10, docs/security.md "Encryption"): an EventStore over
// another store that encrypts declared fields of declared event types with the subject's data key
// (XChaCha20-Poly1305, es/store/key_store.h) and decrypts them on every read path.
//
// - The policy names, per event type, the top-level members of the JSON `data` object to encrypt
//   and where the subject is found: a member of `data` (e.g. "owner_id") or the stream name.
//   Types it does not name are stored as they are; metadata is never encrypted.
// - Stored data is self-describing: the plain members plus one reserved member kEncryptedMember
//   holding {"v":1,"key":KEY_ID,"nonce":B64,"ct":B64,"fields":[NAMES]}, so reads need no policy.
//   The associated data is (stream, version, type): a ciphertext copied to another event, or
//   changed, fails authentication and the read fails with kIntegrity naming stream and version.
// - After KeyStore::shred(subject) the subject's events read with the encrypted members absent and
//   kErasedMember = {"key":KEY_ID,"fields":[NAMES]} in their place. The stored bytes do not change,
//   so the hash chain and verify() stay clean.
// - An encrypted event's version must be known before it is stored. exact(n) is passed through;
//   any, no_stream and stream_exists are checked against stream_info() and sent as
//   exact(version), re-encrypted and retried when a writer in another process got in between
//   (such appends through one handle go one at a time). So an idempotent retry of an encrypted
//   append is recognised only under exact(n), n >= 1; under the other kinds it fails with
//   kConflict or kAlreadyExists and writes nothing.
//
// Thread safety: as the underlying store; the stores borrowed must outlive the handle.
//
//   es::EncryptionPolicy policy{.types = {{"crm.CustomerRegistered",
//                                          {.fields = {"name", "email"}, .subject_field = "id"}}}};
//   auto keys = es::open_sqlite_key_store("keys.db", master);
//   auto store = es::encrypt_store(std::move(*es::open("events.db")), std::move(*keys), policy);
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "es/core/result.h"
#include "es/store/event_store.h"
#include "es/store/key_store.h"

namespace es {

inline constexpr std::string_view kEncryptedMember = "_es_encrypted";
inline constexpr std::string_view kErasedMember = "_es_erased";

struct EncryptedType {
  // Top-level members of `data` to encrypt (an event may lack some of them); at least one.
  std::vector<std::string> fields;
  // The member of `data` whose value (a string or an integer) names the subject; empty: the
  // stream name is the subject.
  std::string subject_field;
};

struct EncryptionPolicy {
  std::map<std::string, EncryptedType, std::less<>> types;  // by event type
};

// A handle that encrypts by `policy` with `keys`. kInvalidArgument for a policy entry with no
// fields or one naming a reserved member.
Result<std::unique_ptr<EventStore>> encrypt_store(EventStore& store, KeyStore& keys,
                                                  EncryptionPolicy policy);
// As above, owning both stores.
Result<std::unique_ptr<EventStore>> encrypt_store(std::unique_ptr<EventStore> store,
                                                  std::unique_ptr<KeyStore> keys,
                                                  EncryptionPolicy policy);

// Whether `event` (as read through an encrypting handle) has its encrypted members erased.
bool is_erased(const RecordedEvent& event);

}  // namespace es
