#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

#include "es/projection/dead_letter_store.h"

namespace es {
namespace {

class MemoryDeadLetterStore final : public DeadLetterStore {
 protected:
  Status do_park(const DeadLetter& letter) override {
    std::lock_guard lock(mutex_);
    letters_.emplace(Key{letter.subscription, letter.position}, letter);
    return Status::ok();
  }

  Result<std::vector<DeadLetter>> do_list(std::string_view subscription) override {
    std::lock_guard lock(mutex_);
    std::vector<DeadLetter> out;
    for (const auto& [key, letter] : letters_) {
      if (selects(letter, subscription, std::nullopt)) out.push_back(letter);
    }
    // Keys order by subscription first; the contract is position order.
    std::stable_sort(out.begin(), out.end(), [](const DeadLetter& a, const DeadLetter& b) {
      return a.position < b.position;
    });
    return out;
  }

  Result<std::uint64_t> do_count(std::string_view subscription) override {
    std::lock_guard lock(mutex_);
    std::uint64_t n = 0;
    for (const auto& [key, letter] : letters_) n += selects(letter, subscription, std::nullopt);
    return n;
  }

  Result<std::uint64_t> do_retry(std::string_view subscription,
                                 const std::optional<std::string>& stream) override {
    std::lock_guard lock(mutex_);
    std::uint64_t n = 0;
    for (auto& [key, letter] : letters_) {
      if (!selects(letter, subscription, stream)) continue;
      letter.redeliver = true;
      ++n;
    }
    return n;
  }

  Result<std::uint64_t> do_discard(std::string_view subscription,
                                   const std::optional<std::string>& stream) override {
    std::lock_guard lock(mutex_);
    return static_cast<std::uint64_t>(std::erase_if(
        letters_, [&](const auto& entry) { return selects(entry.second, subscription, stream); }));
  }

  Status do_remove(const DeadLetter& letter) override {
    std::lock_guard lock(mutex_);
    letters_.erase(Key{letter.subscription, letter.position});
    return Status::ok();
  }

  Status do_keep(const DeadLetter& letter) override {
    std::lock_guard lock(mutex_);
    auto it = letters_.find(Key{letter.subscription, letter.position});
    if (it == letters_.end()) return Status::ok();  // discarded meanwhile
    it->second.error = letter.error;
    it->second.attempts = letter.attempts;
    it->second.redeliver = false;
    return Status::ok();
  }

 private:
  using Key = std::pair<std::string, Position>;

  static bool selects(const DeadLetter& letter, std::string_view subscription,
                      const std::optional<std::string>& stream) {
    return (subscription.empty() || letter.subscription == subscription) &&
           (!stream || letter.stream == *stream);
  }

  std::mutex mutex_;
  std::map<Key, DeadLetter> letters_;
};

}  // namespace

std::unique_ptr<DeadLetterStore> make_memory_dead_letter_store() {
  return std::make_unique<MemoryDeadLetterStore>();
}

}  // namespace es
