#include <memory>

#include "es/projection/runner.h"
#include "projection/exactly_once.h"
#include "projection/postgres/checkpoint_table.h"
#include "projection/postgres/dead_letter_table.h"
#include "projection/postgres/tx.h"
#include "store/postgres/schema.h"

namespace es {
namespace {

// The runner's own connection to the read-model schema.
class PostgresReadModel final : public detail::ReadModel {
 public:
  explicit PostgresReadModel(postgres::Connection conn)
      : conn_(std::move(conn)), table_(conn_), letters_(conn_), tx_(conn_) {}

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
  postgres::Connection conn_;
  postgres::CheckpointTable table_;
  postgres::DeadLetterTable letters_;
  postgres::PostgresTx tx_;
};

detail::OpenReadModel postgres_read_model(const std::string& conninfo,
                                          const PostgresOptions& options) {
  return [conninfo, schema = options.schema]() -> Result<std::unique_ptr<detail::ReadModel>> {
    ES_RETURN_IF_ERROR(postgres::validate_schema_name(schema));
    auto conn = postgres::Connection::open(conninfo, schema);
    if (!conn) return conn.error();
    ES_RETURN_IF_ERROR(postgres::migrate(*conn, schema));
    return std::unique_ptr<detail::ReadModel>(
        std::make_unique<PostgresReadModel>(std::move(*conn)));
  };
}

}  // namespace

Result<Subscription> run_postgres_projection(EventStore& store, const std::string& conninfo,
                                             const Projection<Tx>& projection,
                                             const ProjectionOptions& options,
                                             const PostgresOptions& postgres) {
  return detail::run_exactly_once(store, postgres_read_model(conninfo, postgres), projection,
                                  options);
}

Status rebuild_postgres_projection(EventStore& store, const std::string& conninfo,
                                   const Projection<Tx>& projection,
                                   const ProjectionOptions& options,
                                   const PostgresOptions& postgres) {
  return detail::rebuild_exactly_once(store, postgres_read_model(conninfo, postgres), projection,
                                      options);
}

}  // namespace es
