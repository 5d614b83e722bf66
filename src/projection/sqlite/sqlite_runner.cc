#include <memory>

#include "es/projection/runner.h"
#include "projection/exactly_once.h"
#include "projection/sqlite/checkpoint_table.h"
#include "projection/sqlite/dead_letter_table.h"
#include "projection/sqlite/tx_impl.h"
#include "store/sqlite/schema.h"

namespace es {
namespace {

// The runner's own write connection to the read-model file.
class SqliteReadModel final : public detail::ReadModel {
 public:
  SqliteReadModel(sqlite::Connection conn, sqlite::CheckpointTable table,
                  sqlite::DeadLetterTable letters)
      : conn_(std::move(conn)),
        table_(std::move(table)),
        letters_(std::move(letters)),
        tx_(conn_) {}

  detail::TxImpl& tx() override { return tx_; }
  Result<std::optional<Position>> load_checkpoint(std::string_view name) override {
    return table_.load(name);
  }
  Status save_checkpoint(std::string_view name, const std::optional<Position>& expected,
                         Position next) override {
    return table_.save(name, expected, next);
  }
  Status remove_checkpoint(std::string_view name) override { return table_.remove(name); }
  Result<std::vector<DeadLetter>> list_letters(std::string_view subscription) override {
    return letters_.list(subscription);
  }
  Status park_letter(const DeadLetter& letter) override { return letters_.park(letter); }
  Status remove_letter(const DeadLetter& letter) override { return letters_.remove(letter); }
  Status keep_letter(const DeadLetter& letter) override { return letters_.keep(letter); }

 private:
  sqlite::Connection conn_;
  sqlite::CheckpointTable table_;
  sqlite::DeadLetterTable letters_;
  sqlite::SqliteTx tx_;
};

detail::OpenReadModel sqlite_read_model(const std::string& path, const SqliteOptions& options) {
  return [path, options]() -> Result<std::unique_ptr<detail::ReadModel>> {
    auto conn = sqlite::open_store_connection(path, options);
    if (!conn) return conn.error();
    // The tables' statements are prepared on the connection's handle, which moving keeps.
    auto table = sqlite::CheckpointTable::prepare(*conn);
    if (!table) return table.error();
    auto letters = sqlite::DeadLetterTable::prepare(*conn);
    if (!letters) return letters.error();
    return std::unique_ptr<detail::ReadModel>(std::make_unique<SqliteReadModel>(
        std::move(*conn), std::move(*table), std::move(*letters)));
  };
}

}  // namespace

Result<Subscription> run_sqlite_projection(EventStore& store, const std::string& path,
                                           const Projection<Tx>& projection,
                                           const ProjectionOptions& options,
                                           const SqliteOptions& sqlite) {
  return detail::run_exactly_once(store, sqlite_read_model(path, sqlite), projection, options);
}

Status rebuild_sqlite_projection(EventStore& store, const std::string& path,
                                 const Projection<Tx>& projection, const ProjectionOptions& options,
                                 const SqliteOptions& sqlite) {
  return detail::rebuild_exactly_once(store, sqlite_read_model(path, sqlite), projection, options);
}

}  // namespace es
