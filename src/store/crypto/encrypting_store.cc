#include <fmt/format.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "es/store/encryption.h"
#include "store/append_rules.h"
#include "store/crypto/aead.h"
#include "store/crypto/envelope.h"

namespace es {
namespace {

using Json = nlohmann::ordered_json;

// Format 1 of an event's associated data (docs/security.md "Encryption").
constexpr std::string_view kEventTag = "eventsource-cpp/event/1";
// Appends re-encrypted after another writer moved the stream, before giving up with kConflict.
constexpr int kMaxAttempts = 16;

crypto::AssociatedData event_ad(std::string_view stream, std::int64_t version,
                                std::string_view type) {
  crypto::AssociatedData ad(kEventTag);
  ad.text(stream).integer(version).text(type);
  return ad;
}

std::string where(std::string_view stream, std::int64_t version) {
  return "stream '" + std::string(stream) + "' version " + std::to_string(version) + ": ";
}

std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::strict);
}

detail::StreamRow row_of(const StreamInfo& info) {
  return {.exists = info.state != StreamState::kAbsent,
          .version = info.version,
          .truncate_before = info.state == StreamState::kSoftDeleted ? info.version + 1 : 0,
          .tombstoned = info.state == StreamState::kTombstoned};
}

// One request of a batch as it will be sent: its events sealed for the versions they will get.
struct SealedRequest {
  AppendRequest request;
  std::vector<EventData> events;
  bool encrypted = false;
  bool pinned_by_caller = false;  // the caller's exact(n): a conflict is the caller's to handle
  std::int64_t first_version = 0;
};

class EncryptingStore final : public EventStore {
 public:
  EncryptingStore(EventStore& inner, std::unique_ptr<EventStore> owned, KeyStore& keys,
                  std::unique_ptr<KeyStore> owned_keys, EncryptionPolicy policy)
      : EventStore(inner.limits()),
        inner_(inner),
        owned_(std::move(owned)),
        keys_(keys),
        owned_keys_(std::move(owned_keys)),
        policy_(std::move(policy)) {}

 protected:
  Result<std::vector<AppendResult>> do_append(std::span<const AppendRequest> batch) override {
    if (!any_encrypted(batch)) return inner_.append(batch);
    // Appends whose version this handle pins go one at a time, so writers in this process never
    // make each other re-seal; retries are left for writers in other processes.
    std::unique_lock<std::mutex> pinning(pin_mutex_, std::defer_lock);
    if (needs_pinning(batch)) pinning.lock();
    for (int attempt = 1;; ++attempt) {
      std::vector<SealedRequest> sealed(batch.size());
      for (std::size_t i = 0; i < batch.size(); ++i) {
        ES_RETURN_IF_ERROR(seal_request(batch[i], sealed[i]));
      }
      std::vector<AppendRequest> requests;
      requests.reserve(sealed.size());
      for (const SealedRequest& s : sealed) requests.push_back(s.request);
      auto results = inner_.append(requests);
      if (results) {
        ES_RETURN_IF_ERROR(check_versions(sealed, *results));
        return results;
      }
      const VersionConflict* conflict = results.error().conflict();
      const SealedRequest* moved = conflict == nullptr ? nullptr : find(sealed, conflict->stream);
      if (moved == nullptr || moved->pinned_by_caller) return results.error();
      if (attempt == kMaxAttempts) {
        const AppendRequest& original = batch[static_cast<std::size_t>(moved - sealed.data())];
        return Status::conflict(
            {conflict->stream, original.expected.to_string(), conflict->actual});
      }
    }
  }

  // Runs of requests whose versions need no pinning (plain ones, and the caller's exact(n)) are
  // sealed and share the inner store's commits; a request that encrypts under any other
  // expected version goes alone through do_append (pinning, re-sealing after a conflict). The
  // order given is kept.
  std::vector<Result<AppendResult>> do_append_each(
      std::span<const AppendRequest> requests) override {
    std::vector<Result<AppendResult>> results;
    results.reserve(requests.size());
    std::size_t next = 0;
    while (next < requests.size()) {
      std::size_t end = next;
      while (end < requests.size() && !needs_pinning(requests.subspan(end, 1))) ++end;
      if (end > next) {
        append_sealed(requests.subspan(next, end - next), results);
        next = end;
        continue;
      }
      // The base hook runs do_append (this handle's, pinned) for the one request.
      for (Result<AppendResult>& one : EventStore::do_append_each(requests.subspan(next++, 1))) {
        results.push_back(std::move(one));
      }
    }
    return results;
  }

  Result<StreamCursor> do_read_stream(std::string_view stream, const ReadStreamOptions& options,
                                      const EventVisitor& visitor) override {
    auto slice = inner_.read_stream(stream, options);
    if (!slice) return slice.error();
    const std::int64_t step = options.direction == Direction::kForward ? 1 : -1;
    for (RecordedEvent& event : slice->events) {
      ES_RETURN_IF_ERROR(open_event(event));
      if (!visitor(event)) return StreamCursor{.next_version = event.version + step, .end = false};
    }
    return StreamCursor{.next_version = slice->next_version, .end = slice->end};
  }

  Result<AllCursor> do_read_all(const ReadAllOptions& options,
                                const EventVisitor& visitor) override {
    auto page = inner_.read_all(options);
    if (!page) return page.error();
    for (RecordedEvent& event : page->events) {
      ES_RETURN_IF_ERROR(open_event(event));
      if (!visitor(event)) return AllCursor{.next = event.position, .end = false};
    }
    return AllCursor{.next = page->next, .end = page->end};
  }

  Result<StreamInfo> do_stream_info(std::string_view stream) override {
    return inner_.stream_info(stream);
  }
  Result<Position> do_head_position() override { return inner_.head_position(); }
  bool do_wait_for_hint(std::chrono::steady_clock::time_point until) override {
    return wait_for_hint_of(inner_, until);
  }
  Result<std::vector<StreamInfo>> do_list_streams(const ListStreamsOptions& options) override {
    return inner_.list_streams(options);
  }
  Result<StoreStats> do_stats() override { return inner_.stats(); }
  Status do_delete_stream(std::string_view stream, ExpectedVersion expected,
                          bool tombstone) override {
    return tombstone ? inner_.tombstone_stream(stream, expected)
                     : inner_.delete_stream(stream, expected);
  }
  Status do_set_retention(std::string_view stream, const Retention& retention) override {
    return inner_.set_retention(stream, retention);
  }
  // The chain covers the stored (encrypted) bytes, so it needs no keys and survives a shred.
  Status do_scan_chain(std::string_view stream, detail::ChainScan& scan) override {
    return scan_chain_of(inner_, stream, scan);
  }

 private:
  const EncryptedType* rule_of(std::string_view type) const {
    auto rule = policy_.types.find(type);
    return rule == policy_.types.end() ? nullptr : &rule->second;
  }

  bool any_encrypted(std::span<const AppendRequest> batch) const {
    for (const AppendRequest& request : batch) {
      for (const EventData& event : request.events) {
        if (rule_of(event.type) != nullptr) return true;
      }
    }
    return false;
  }

  // Whether a request has encrypted events and an expected version other than exact(n).
  bool needs_pinning(std::span<const AppendRequest> batch) const {
    for (const AppendRequest& request : batch) {
      if (request.expected.kind() == ExpectedVersion::Kind::kExact) continue;
      for (const EventData& event : request.events) {
        if (rule_of(event.type) != nullptr) return true;
      }
    }
    return false;
  }

  static const SealedRequest* find(const std::vector<SealedRequest>& sealed,
                                   std::string_view stream) {
    for (const SealedRequest& s : sealed) {
      if (s.request.stream == stream) return &s;
    }
    return nullptr;
  }

  // Pins the request's version (exact(n) as given; any other kind checked against the stream as
  // it is now and sent as exact) and seals its declared events for the versions they will get.
  Status seal_request(const AppendRequest& request, SealedRequest& out) {
    out.request = request;
    bool encrypted = false;
    for (const EventData& event : request.events) encrypted |= rule_of(event.type) != nullptr;
    if (!encrypted) return Status::ok();
    out.encrypted = true;
    if (request.expected.kind() == ExpectedVersion::Kind::kExact) {
      out.pinned_by_caller = true;
      out.first_version = request.expected.version() + 1;
    } else {
      auto info = inner_.stream_info(request.stream);
      if (!info) return info.error();
      ES_RETURN_IF_ERROR(detail::check_expected(request.stream, row_of(*info), request.expected));
      out.request.expected = ExpectedVersion::exact(info->version);
      out.first_version = info->version + 1;
    }
    out.events.reserve(request.events.size());
    std::int64_t version = out.first_version;
    for (const EventData& event : request.events) {
      const EncryptedType* rule = rule_of(event.type);
      if (rule == nullptr) {
        out.events.push_back(event);
      } else {
        auto sealed = seal_event(request.stream, version, event, *rule);
        if (!sealed) return sealed.error();
        out.events.push_back(std::move(*sealed));
      }
      ++version;
    }
    out.request.events = out.events;
    return Status::ok();
  }

  Result<EventData> seal_event(std::string_view stream, std::int64_t version,
                               const EventData& event, const EncryptedType& rule) {
    // Built only for an error: every encrypted event passes here.
    auto at = [&] { return "stream '" + std::string(stream) + "', type '" + event.type + "': "; };
    Json data = Json::parse(event.data, nullptr, false);
    if (!data.is_object()) {
      return Status::invalid_argument(at() + "data must be a JSON object (the type is encrypted)");
    }
    for (std::string_view reserved : {kEncryptedMember, kErasedMember}) {
      if (data.contains(reserved)) {
        return Status::invalid_argument(at() + "data member '" + std::string(reserved) +
                                        "' is reserved for encryption");
      }
    }
    std::string subject(stream);
    if (!rule.subject_field.empty()) {
      auto field = data.find(rule.subject_field);
      if (field == data.end() || !(field->is_string() || field->is_number_integer())) {
        return Status::invalid_argument(at() + "data member '" + rule.subject_field +
                                        "' (the subject) must be a string or an integer");
      }
      subject = field->is_string() ? field->get<std::string>() : field->dump();
    }
    auto key = keys_.key_for_subject(subject);
    if (!key) return key.error();
    Json secret = Json::object();
    crypto::SealedData sealed;
    for (const std::string& name : rule.fields) {
      auto field = data.find(name);
      if (field == data.end()) continue;
      secret[name] = std::move(*field);
      data.erase(field);
      sealed.envelope.fields.push_back(name);
    }
    sealed.plain = std::move(data);
    sealed.envelope.key_id = key->id;
    sealed.envelope.nonce = crypto::random_bytes(crypto::kNonceBytes);
    sealed.envelope.ciphertext = crypto::seal(dump(secret), event_ad(stream, version, event.type),
                                              sealed.envelope.nonce, key->bytes.data());
    EventData out = event;
    out.data = crypto::encode_sealed(std::move(sealed));
    return out;
  }

  // A backend places an exact(n) append at n + 1; anything else means a ciphertext was stored
  // under the wrong associated data (a stream created and soft-deleted by another writer between
  // the check and the append of a no_stream request), which reads would report.
  static Status check_versions(const std::vector<SealedRequest>& sealed,
                               const std::vector<AppendResult>& results) {
    for (std::size_t i = 0; i < sealed.size(); ++i) {
      ES_RETURN_IF_ERROR(check_version(sealed[i], results[i]));
    }
    return Status::ok();
  }

  static Status check_version(const SealedRequest& sealed, const AppendResult& result) {
    if (!sealed.encrypted || result.first_version == sealed.first_version) return Status::ok();
    return Status::internal(where(sealed.request.stream, result.first_version) +
                            "encrypted for version " + std::to_string(sealed.first_version) +
                            " but stored at another; its payload will not authenticate");
  }

  // Seals each of `run` (none needs pinning) and appends them with one append_each() of the
  // inner store; one outcome per request onto `results`.
  void append_sealed(std::span<const AppendRequest> run,
                     std::vector<Result<AppendResult>>& results) {
    std::vector<SealedRequest> sealed(run.size());
    std::vector<Status> refused(run.size());
    std::vector<AppendRequest> requests;  // of the sealed ones, in order
    for (std::size_t i = 0; i < run.size(); ++i) {
      refused[i] = seal_request(run[i], sealed[i]);
      if (refused[i].is_ok()) requests.push_back(sealed[i].request);
    }
    std::vector<Result<AppendResult>> done = inner_.append_each(requests);
    std::size_t k = 0;
    for (std::size_t i = 0; i < run.size(); ++i) {
      if (!refused[i].is_ok()) {
        results.emplace_back(std::move(refused[i]));
        continue;
      }
      Result<AppendResult>& outcome = done[k++];
      const Status checked = outcome ? check_version(sealed[i], *outcome) : Status::ok();
      if (checked.is_ok()) {
        results.push_back(std::move(outcome));
      } else {
        results.emplace_back(checked);
      }
    }
  }

  // Replaces a sealed payload by the plain one, or by the erased marker once the key is gone.
  Status open_event(RecordedEvent& event) {
    auto sealed = crypto::decode_sealed(event.data);
    if (!sealed)
      return Status::integrity(where(event.stream, event.version) +
                               std::string(sealed.error().message()));
    if (!*sealed) return Status::ok();
    crypto::SealedData& parts = **sealed;
    auto lookup = keys_.find_key(parts.envelope.key_id);
    if (!lookup) return lookup.error();
    if (lookup->state == KeyState::kUnknown) {
      return Status::not_found(where(event.stream, event.version) + "data key '" +
                               parts.envelope.key_id +
                               "' is not in this key store (was another one used?)");
    }
    if (lookup->state == KeyState::kShredded) {
      parts.plain[std::string(kErasedMember)] = {{"key", parts.envelope.key_id},
                                                 {"fields", parts.envelope.fields}};
      event.data = dump(parts.plain);
      return Status::ok();
    }
    auto plain =
        crypto::open(parts.envelope.ciphertext, event_ad(event.stream, event.version, event.type),
                     parts.envelope.nonce, lookup->key->bytes.data());
    Json secret = plain ? Json::parse(*plain, nullptr, false) : Json();
    if (!secret.is_object()) {
      return Status::integrity(where(event.stream, event.version) +
                               "the encrypted payload fails authentication (changed, or moved "
                               "from another event)");
    }
    for (auto& [name, value] : secret.items()) parts.plain[name] = std::move(value);
    event.data = dump(parts.plain);
    return Status::ok();
  }

  EventStore& inner_;
  const std::unique_ptr<EventStore> owned_;  // null when borrowed
  KeyStore& keys_;
  const std::unique_ptr<KeyStore> owned_keys_;  // null when borrowed
  const EncryptionPolicy policy_;
  std::mutex pin_mutex_;  // held by appends whose versions this handle pins
};

Status validate(const EncryptionPolicy& policy) {
  for (const auto& [type, rule] : policy.types) {
    const std::string at = "encryption policy, type '" + type + "': ";
    if (rule.fields.empty()) return Status::invalid_argument(at + "names no field to encrypt");
    for (const std::string& name : rule.fields) {
      if (name == kEncryptedMember || name == kErasedMember) {
        return Status::invalid_argument(fmt::format("{}field '{}' is reserved", at, name));
      }
    }
  }
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<EventStore>> encrypt_store(EventStore& store, KeyStore& keys,
                                                  EncryptionPolicy policy) {
  ES_RETURN_IF_ERROR(validate(policy));
  return std::unique_ptr<EventStore>(
      std::make_unique<EncryptingStore>(store, nullptr, keys, nullptr, std::move(policy)));
}

Result<std::unique_ptr<EventStore>> encrypt_store(std::unique_ptr<EventStore> store,
                                                  std::unique_ptr<KeyStore> keys,
                                                  EncryptionPolicy policy) {
  ES_RETURN_IF_ERROR(validate(policy));
  EventStore& inner = *store;
  KeyStore& key_store = *keys;
  return std::unique_ptr<EventStore>(std::make_unique<EncryptingStore>(
      inner, std::move(store), key_store, std::move(keys), std::move(policy)));
}

bool is_erased(const RecordedEvent& event) {
  if (event.data.find(kErasedMember) == std::string::npos) return false;
  Json data = Json::parse(event.data, nullptr, false);
  return data.is_object() && data.contains(kErasedMember);
}

}  // namespace es
