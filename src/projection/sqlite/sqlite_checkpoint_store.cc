#include <mutex>

#include "es/projection/checkpoint_store.h"
#include "projection/sqlite/checkpoint_table.h"
#include "store/sqlite/schema.h"

namespace es {
namespace {

class SqliteCheckpointStore final : public CheckpointStore {
 public:
  // `conn` is heap-held so the table's statements keep pointing at it.
  SqliteCheckpointStore(std::unique_ptr<sqlite::Connection> conn, sqlite::CheckpointTable table)
      : conn_(std::move(conn)), table_(std::move(table)) {}

 protected:
  Result<std::optional<Position>> do_load(std::string_view name) override {
    std::lock_guard lock(mutex_);
    return table_.load(name);
  }
  Status do_save(std::string_view name, const std::optional<Position>& expected,
                 Position next) override {
    std::lock_guard lock(mutex_);
    return table_.save(name, expected, next);
  }
  Status do_remove(std::string_view name) override {
    std::lock_guard lock(mutex_);
    return table_.remove(name);
  }
  Result<std::vector<Checkpoint>> do_list() override {
    std::lock_guard lock(mutex_);
    return table_.list();
  }

 private:
  std::mutex mutex_;  // one connection: one statement at a time
  std::unique_ptr<sqlite::Connection> conn_;
  sqlite::CheckpointTable table_;
};

}  // namespace

Result<std::unique_ptr<CheckpointStore>> open_sqlite_checkpoint_store(
    const std::string& path, const SqliteOptions& options) {
  auto conn = sqlite::open_store_connection(path, options);
  if (!conn) return conn.error();
  auto owned = std::make_unique<sqlite::Connection>(std::move(*conn));
  auto table = sqlite::CheckpointTable::prepare(*owned);
  if (!table) return table.error();
  return std::unique_ptr<CheckpointStore>(
      std::make_unique<SqliteCheckpointStore>(std::move(owned), std::move(*table)));
}

}  // namespace es
