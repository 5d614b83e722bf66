#include <map>
#include <mutex>

#include "es/projection/checkpoint_store.h"
#include "projection/checkpoint_conflict.h"

namespace es {
namespace {

class MemoryCheckpointStore final : public CheckpointStore {
 protected:
  Result<std::optional<Position>> do_load(std::string_view name) override {
    std::lock_guard lock(mutex_);
    auto it = checkpoints_.find(name);
    if (it == checkpoints_.end()) return std::optional<Position>();
    return std::optional<Position>(it->second.position);
  }

  Status do_save(std::string_view name, const std::optional<Position>& expected,
                 Position next) override {
    std::lock_guard lock(mutex_);
    auto it = checkpoints_.find(name);
    const std::optional<Position> actual =
        it == checkpoints_.end() ? std::nullopt : std::optional<Position>(it->second.position);
    if (actual != expected) return detail::checkpoint_conflict(name, expected, actual);
    if (it == checkpoints_.end()) {
      it = checkpoints_.emplace(std::string(name), Checkpoint{.name = std::string(name)}).first;
    }
    it->second.position = next;
    it->second.updated_at = now();
    return Status::ok();
  }

  Status do_remove(std::string_view name) override {
    std::lock_guard lock(mutex_);
    auto it = checkpoints_.find(name);
    if (it != checkpoints_.end()) checkpoints_.erase(it);
    return Status::ok();
  }

  Result<std::vector<Checkpoint>> do_list() override {
    std::lock_guard lock(mutex_);
    std::vector<Checkpoint> out;
    for (const auto& [name, checkpoint] : checkpoints_) out.push_back(checkpoint);
    return out;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, Checkpoint, std::less<>> checkpoints_;
};

}  // namespace

std::unique_ptr<CheckpointStore> make_memory_checkpoint_store() {
  return std::make_unique<MemoryCheckpointStore>();
}

}  // namespace es
