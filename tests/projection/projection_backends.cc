#include "projection/projection_backends.h"

#include "postgres/raw_postgres.h"
#include "projection/ledger.h"
#include "sqlite/raw_sqlite.h"

namespace es::testing {
namespace {

template <typename T>
std::unique_ptr<T> opened(Result<std::unique_ptr<T>> result) {
  EXPECT_TRUE(result.has_value()) << result.error().to_string();
  return result ? std::move(*result) : nullptr;
}

}  // namespace

std::unique_ptr<CheckpointStore> ProjectionTest::open_checkpoints() {
  if (is_sqlite()) return opened(open_sqlite_checkpoint_store(store_path()));
  if (is_database()) return opened(open_postgres_checkpoint_store(test_pg_url(), pg_options_));
  return make_memory_checkpoint_store();
}

std::unique_ptr<DeadLetterStore> ProjectionTest::open_dead_letters() {
  if (is_sqlite()) return opened(open_sqlite_dead_letter_store(store_path()));
  if (is_database()) return opened(open_postgres_dead_letter_store(test_pg_url(), pg_options_));
  return make_memory_dead_letter_store();
}

ProjectionTest::ReadModelPlace ProjectionTest::read_model() const {
  if (GetParam().name == "postgres") return {.schema = pg_options_.schema};
  return {.sqlite_path = store_path()};
}

ProjectionTest::ReadModelPlace ProjectionTest::fresh_read_model() const {
  if (GetParam().name == "postgres") return {.schema = pg_options_.schema + "_fresh"};
  return {.sqlite_path = dir_.file("fresh.db")};
}

Result<Subscription> ProjectionTest::run_exactly_once(const Projection<Tx>& projection,
                                                      const ProjectionOptions& options,
                                                      const ReadModelPlace* place) {
  const ReadModelPlace at = place != nullptr ? *place : read_model();
  if (at.schema.empty()) return run_sqlite_projection(store(), at.sqlite_path, projection, options);
  return run_postgres_projection(store(), test_pg_url(), projection, options,
                                 {.schema = at.schema});
}

Status ProjectionTest::rebuild_exactly_once(const Projection<Tx>& projection,
                                            const ProjectionOptions& options,
                                            const ReadModelPlace* place) {
  const ReadModelPlace at = place != nullptr ? *place : read_model();
  if (at.schema.empty()) {
    return rebuild_sqlite_projection(store(), at.sqlite_path, projection, options);
  }
  return rebuild_postgres_projection(store(), test_pg_url(), projection, options,
                                     {.schema = at.schema});
}

std::vector<std::string> ProjectionTest::balances_in(const ReadModelPlace& place) const {
  if (place.schema.empty()) return stored_balances(place.sqlite_path);
  return pg_query(test_pg_url(), place.schema,
                  "SELECT account || '=' || cents FROM balances ORDER BY account COLLATE \"C\"");
}

void ProjectionTest::exec_in(const ReadModelPlace& place, const std::string& sql) const {
  if (place.schema.empty()) {
    sqlite_query(place.sqlite_path, sql);
  } else {
    pg_query(test_pg_url(), place.schema, sql);
  }
}

std::unique_ptr<DeadLetterStore> ProjectionTest::letters_in(const ReadModelPlace& place) const {
  if (place.schema.empty()) return opened(open_sqlite_dead_letter_store(place.sqlite_path));
  return opened(open_postgres_dead_letter_store(test_pg_url(), {.schema = place.schema}));
}

std::optional<Position> ProjectionTest::committed_in(const ReadModelPlace& place,
                                                     std::string_view name) const {
  auto cps = place.schema.empty()
                 ? open_sqlite_checkpoint_store(place.sqlite_path)
                 : open_postgres_checkpoint_store(test_pg_url(), {.schema = place.schema});
  EXPECT_TRUE(cps.has_value()) << cps.error().to_string();
  if (!cps) return std::nullopt;
  auto loaded = (*cps)->load(name);
  EXPECT_TRUE(loaded.has_value()) << loaded.error().to_string();
  return loaded.value_or(std::nullopt);
}

}  // namespace es::testing
