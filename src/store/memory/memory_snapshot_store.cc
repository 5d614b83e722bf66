#include <map>
#include <mutex>

#include "es/store/snapshot_store.h"

namespace es {
namespace {

class MemorySnapshotStore final : public SnapshotStore {
 public:
  Status save(const Snapshot& snapshot) override {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = snapshots_.try_emplace(snapshot.stream, snapshot);
    if (!inserted && it->second.version <= snapshot.version) it->second = snapshot;
    return Status::ok();
  }

  Result<std::optional<Snapshot>> load(std::string_view stream) override {
    std::lock_guard lock(mutex_);
    auto it = snapshots_.find(stream);
    if (it == snapshots_.end()) return std::optional<Snapshot>();
    return std::optional<Snapshot>(it->second);
  }

  Status remove(std::string_view stream) override {
    std::lock_guard lock(mutex_);
    if (auto it = snapshots_.find(stream); it != snapshots_.end()) snapshots_.erase(it);
    return Status::ok();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, Snapshot, std::less<>> snapshots_;
};

}  // namespace

std::unique_ptr<SnapshotStore> make_memory_snapshot_store() {
  return std::make_unique<MemorySnapshotStore>();
}

}  // namespace es
