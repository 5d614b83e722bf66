#include <map>

#include "es/store/key_store.h"

namespace es {
namespace {

class MemoryKeyStore final : public KeyStore {
 public:
  explicit MemoryKeyStore(const MasterKey& master) : KeyStore(master) {}

 protected:
  Result<std::optional<WrappedKey>> do_find_subject(std::string_view subject) override {
    auto id = subjects_.find(subject);
    if (id == subjects_.end()) return std::optional<WrappedKey>();
    return std::optional<WrappedKey>(keys_.at(id->second));
  }

  Result<std::optional<WrappedKey>> do_find_id(std::string_view key_id) override {
    auto key = keys_.find(key_id);
    if (key == keys_.end()) return std::optional<WrappedKey>();
    return std::optional<WrappedKey>(key->second);
  }

  Result<WrappedKey> do_insert(const WrappedKey& key) override {
    auto [id, fresh] = subjects_.emplace(key.subject, key.key_id);
    if (fresh) keys_.emplace(key.key_id, key);
    return keys_.at(id->second);
  }

  Status do_shred(std::string_view subject) override {
    auto id = subjects_.find(subject);
    if (id == subjects_.end()) {
      return Status::not_found("no data key for subject '" + std::string(subject) + "'");
    }
    keys_[id->second] = WrappedKey{.key_id = id->second};
    subjects_.erase(id);
    return Status::ok();
  }

  Status do_rewrap(const Rewrap& rewrap, std::string_view /*fingerprint*/) override {
    std::map<std::string, WrappedKey, std::less<>> next = keys_;
    for (auto& [id, key] : next) {
      if (key.wrapped.empty()) continue;
      auto rewrapped = rewrap(key);
      if (!rewrapped) return rewrapped.error();
      key = std::move(*rewrapped);
    }
    keys_ = std::move(next);
    return Status::ok();
  }

 private:
  std::map<std::string, std::string, std::less<>> subjects_;  // subject -> key id
  std::map<std::string, WrappedKey, std::less<>> keys_;       // by key id; shredded: no material
};

}  // namespace

std::unique_ptr<KeyStore> open_memory_key_store(const MasterKey& master) {
  return std::make_unique<MemoryKeyStore>(master);
}

}  // namespace es
