#include <memory>

#include "es/projection/runner.h"
#include "projection/runner_options.h"
#include "projection/sqlite/checkpoint_table.h"
#include "projection/sqlite/dead_letter_sink.h"
#include "projection/sqlite/tx_impl.h"
#include "store/sqlite/schema.h"

namespace es {
namespace {

// The runner's own write connection to the read-model file, used by its thread only.
struct SqliteRunner {
  explicit SqliteRunner(sqlite::Connection c, sqlite::CheckpointTable t)
      : conn(std::move(c)), table(std::move(t)), tx(conn) {}

  sqlite::Connection conn;
  sqlite::CheckpointTable table;
  detail::TxImpl tx;
  std::optional<Position> saved;  // the checkpoint as committed: what the next save expects
};

// Shared by the subscription's handler (a std::function, so copyable) and nothing else.
Result<std::shared_ptr<SqliteRunner>> open_runner(const std::string& path,
                                                  const SqliteOptions& options) {
  auto conn = sqlite::open_store_connection(path, options);
  if (!conn) return conn.error();
  // The table's statements are prepared on the connection's handle, which moving keeps.
  auto table = sqlite::CheckpointTable::prepare(*conn);
  if (!table) return table.error();
  return std::make_shared<SqliteRunner>(std::move(*conn), std::move(*table));
}

// Runs `body` in one IMMEDIATE transaction: committed if it returns ok, rolled back otherwise.
template <typename Body>
Status in_transaction(SqliteRunner& runner, Body&& body) {
  ES_RETURN_IF_ERROR(runner.tx.begin());
  Status status = body();
  if (status.is_ok()) status = runner.tx.status();
  if (status.is_ok()) status = runner.tx.commit();
  if (!status.is_ok()) runner.tx.rollback();
  return status;
}

}  // namespace

Result<Subscription> run_sqlite_projection(EventStore& store, const std::string& path,
                                           const Projection<Tx>& projection,
                                           const ProjectionOptions& options,
                                           const SqliteOptions& sqlite) {
  auto name = detail::checkpoint_name(projection.name(), options);
  if (!name) return name.error();
  auto runner = open_runner(path, sqlite);
  if (!runner) return runner.error();
  std::shared_ptr<SqliteRunner> r = *runner;
  ES_RETURN_IF_ERROR(in_transaction(*r, [&] {
    Tx tx(r->tx);
    return projection.start(tx);
  }));
  auto saved = r->table.load(*name);
  if (!saved) return saved.error();
  r->saved = *saved;
  SubscriptionOptions subscription = detail::subscription_options(options, projection.filter());
  subscription.from = r->saved.value_or(Position::start());
  if (options.dead_letters != nullptr) {
    auto sink =
        sqlite::make_sqlite_sink(r->conn, {.owner = r,
                                           .tx = &r->tx,
                                           .checkpoints = &r->table,
                                           .saved = &r->saved,
                                           .checkpoint_name = *name,
                                           .handle = [&projection](const RecordedEvent& e, Tx& tx) {
                                             return projection.handle(e, tx);
                                           }});
    if (!sink) return sink.error();
    return detail::start_with_sink(store, std::move(subscription), *name, std::move(*sink));
  }
  return Subscription::start_batched(
      store, std::move(subscription),
      [r, &projection, checkpoint = *name](const Batch& batch) -> Status {
        ES_RETURN_IF_ERROR(in_transaction(*r, [&]() -> Status {
          Tx tx(r->tx);
          for (const RecordedEvent& e : batch.events) {
            ES_RETURN_IF_ERROR(projection.handle(e, tx));
          }
          return r->table.save(checkpoint, r->saved, batch.next);
        }));
        r->saved = batch.next;
        return Status::ok();
      });
}

Status rebuild_sqlite_projection(EventStore& store, const std::string& path,
                                 const Projection<Tx>& projection, const ProjectionOptions& options,
                                 const SqliteOptions& sqlite) {
  ES_RETURN_IF_ERROR(detail::refuse_group_rebuild(options));
  {
    auto runner = open_runner(path, sqlite);
    if (!runner) return runner.error();
    SqliteRunner& r = **runner;
    ES_RETURN_IF_ERROR(in_transaction(r, [&]() -> Status {
      Tx tx(r.tx);
      ES_RETURN_IF_ERROR(projection.start(tx));
      ES_RETURN_IF_ERROR(projection.clear(tx));
      return r.table.remove(projection.name());
    }));
  }
  ProjectionOptions replay = options;
  replay.stop_at_head = true;
  return detail::run_to_head(run_sqlite_projection(store, path, projection, replay, sqlite));
}

}  // namespace es
