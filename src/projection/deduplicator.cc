#include "es/projection/deduplicator.h"

namespace es {

bool Deduplicator::first_time(std::string_view key, Position position) {
  std::lock_guard lock(mutex_);
  auto it = applied_.find(key);
  if (it == applied_.end()) {
    applied_.emplace(std::string(key), position);
    return true;
  }
  if (position <= it->second) return false;
  it->second = position;
  return true;
}

void Deduplicator::remember(std::string_view key, Position position) {
  std::lock_guard lock(mutex_);
  auto it = applied_.find(key);
  if (it == applied_.end()) {
    applied_.emplace(std::string(key), position);
  } else if (it->second < position) {
    it->second = position;
  }
}

std::optional<Position> Deduplicator::last(std::string_view key) const {
  std::lock_guard lock(mutex_);
  auto it = applied_.find(key);
  if (it == applied_.end()) return std::nullopt;
  return it->second;
}

std::size_t Deduplicator::size() const {
  std::lock_guard lock(mutex_);
  return applied_.size();
}

void Deduplicator::clear() {
  std::lock_guard lock(mutex_);
  applied_.clear();
}

}  // namespace es
