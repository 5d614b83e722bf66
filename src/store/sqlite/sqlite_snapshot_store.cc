#include <mutex>

#include "es/store/snapshot_store.h"
#include "store/sqlite/schema.h"

namespace es {
namespace {

using sqlite::Statement;
using sqlite::StatementReset;

class SqliteSnapshotStore final : public SnapshotStore {
 public:
  explicit SqliteSnapshotStore(sqlite::Connection conn) : conn_(std::move(conn)) {}

  Status prepare() {
    auto save = conn_.prepare(
        "INSERT INTO snapshots (stream, version, type, schema_version, data, recorded_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (stream) DO UPDATE SET "
        "version = excluded.version, type = excluded.type, "
        "schema_version = excluded.schema_version, data = excluded.data, "
        "recorded_at = excluded.recorded_at WHERE excluded.version >= snapshots.version");
    auto load = conn_.prepare(
        "SELECT version, type, schema_version, data, recorded_at FROM snapshots "
        "WHERE stream = ?1");
    auto remove = conn_.prepare("DELETE FROM snapshots WHERE stream = ?1");
    if (!save) return save.error();
    if (!load) return load.error();
    if (!remove) return remove.error();
    save_ = std::move(*save);
    load_ = std::move(*load);
    remove_ = std::move(*remove);
    return Status::ok();
  }

  Status save(const Snapshot& s) override {
    std::lock_guard lock(mutex_);
    save_.bind(1, s.stream);
    save_.bind(2, s.version);
    save_.bind(3, s.type);
    save_.bind(4, std::int64_t{s.schema_version});
    save_.bind_blob(5, s.data.data(), s.data.size());
    save_.bind(6, to_unix_micros(s.recorded_at));
    return save_.run("save snapshot");
  }

  Result<std::optional<Snapshot>> load(std::string_view stream) override {
    std::lock_guard lock(mutex_);
    StatementReset reset(load_);
    load_.bind(1, stream);
    const int rc = load_.step();
    if (rc == SQLITE_DONE) return std::optional<Snapshot>();
    if (rc != SQLITE_ROW) return sqlite::error_status(conn_.get(), rc, "load snapshot");
    Snapshot s;
    s.stream = std::string(stream);
    s.version = load_.column_int(0);
    s.type = std::string(load_.column_text(1));
    s.schema_version = static_cast<std::int32_t>(load_.column_int(2));
    s.data = std::string(load_.column_blob(3));
    s.recorded_at = from_unix_micros(load_.column_int(4));
    return std::optional<Snapshot>(std::move(s));
  }

  Status remove(std::string_view stream) override {
    std::lock_guard lock(mutex_);
    remove_.bind(1, stream);
    return remove_.run("remove snapshot");
  }

 private:
  std::mutex mutex_;
  sqlite::Connection conn_;
  Statement save_, load_, remove_;
};

}  // namespace

Result<std::unique_ptr<SnapshotStore>> open_sqlite_snapshot_store(const std::string& path,
                                                                  const SqliteOptions& options) {
  auto conn = sqlite::open_store_connection(path, options);
  if (!conn) return conn.error();
  auto store = std::make_unique<SqliteSnapshotStore>(std::move(*conn));
  ES_RETURN_IF_ERROR(store->prepare());
  return std::unique_ptr<SnapshotStore>(std::move(store));
}

}  // namespace es
