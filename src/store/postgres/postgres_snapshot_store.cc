#include <mutex>

#include "es/store/snapshot_store.h"
#include "store/postgres/schema.h"

namespace es {
namespace {

using postgres::Params;

const std::string kSave =
    "INSERT INTO snapshots (stream, version, type, schema_version, data, recorded_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (stream) DO UPDATE SET "
    "version = excluded.version, type = excluded.type, schema_version = excluded.schema_version, "
    "data = excluded.data, recorded_at = excluded.recorded_at "
    "WHERE excluded.version >= snapshots.version";
const std::string kLoad =
    "SELECT version, type, schema_version, data, recorded_at FROM snapshots WHERE stream = $1";
const std::string kRemove = "DELETE FROM snapshots WHERE stream = $1";

// One connection: a snapshot is one small statement, so callers take turns rather than pool.
class PostgresSnapshotStore final : public SnapshotStore {
 public:
  explicit PostgresSnapshotStore(postgres::Connection conn) : conn_(std::move(conn)) {}

  Status save(const Snapshot& s) override {
    Params p;
    p.text(s.stream).int8(s.version).text(s.type).int4(s.schema_version).bytea(s.data);
    p.timestamptz(s.recorded_at);
    return run(kSave, p);
  }

  Result<std::optional<Snapshot>> load(std::string_view stream) override {
    Params p;
    p.text(stream);
    std::lock_guard lock(mutex_);
    auto r = query(kLoad, p);
    if (!r) return r.error();
    if (r->rows() == 0) return std::optional<Snapshot>();
    Snapshot s;
    s.stream = std::string(stream);
    s.version = postgres::read_int8(r->field(0, 0));
    s.type = std::string(r->field(0, 1));
    s.schema_version = postgres::read_int4(r->field(0, 2));
    s.data = std::string(r->field(0, 3));
    s.recorded_at = postgres::read_timestamptz(r->field(0, 4));
    return std::optional<Snapshot>(std::move(s));
  }

  Status remove(std::string_view stream) override {
    Params p;
    p.text(stream);
    return run(kRemove, p);
  }

 private:
  // Callers hold mutex_. A connection that broke is reopened first.
  Result<postgres::PgResult> query(const std::string& sql, Params& p) {
    ES_RETURN_IF_ERROR(conn_.ensure_healthy());
    return conn_.query(sql, p);
  }
  Status run(const std::string& sql, Params& p) {
    std::lock_guard lock(mutex_);
    auto r = query(sql, p);
    return r ? Status::ok() : r.error();
  }

  std::mutex mutex_;
  postgres::Connection conn_;
};

}  // namespace

Result<std::unique_ptr<SnapshotStore>> open_postgres_snapshot_store(
    const std::string& conninfo, const PostgresOptions& options) {
  ES_RETURN_IF_ERROR(postgres::validate_schema_name(options.schema));
  auto conn = postgres::Connection::open(conninfo, options.schema);
  if (!conn) return conn.error();
  ES_RETURN_IF_ERROR(postgres::migrate(*conn, options.schema));
  return std::unique_ptr<SnapshotStore>(std::make_unique<PostgresSnapshotStore>(std::move(*conn)));
}

}  // namespace es
