// The projection tests run against every backend of the conformance suite, each with the
// checkpoint and dead-letter stores that go with it: in memory beside the memory store, the
// `checkpoints` and `dead_letters` tables of the same file beside the SQLite store, and of a
// schema on the test server beside the postgres store.
#pragma once

#include <memory>

#include "conformance/backends.h"
#include "es/projection/checkpoint_store.h"
#include "es/projection/dead_letter_store.h"
#include "es/projection/runner.h"
#include "support/postgres.h"

namespace es::testing {

class ProjectionTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    checkpoints_ = open_checkpoints();
    ASSERT_NE(checkpoints_, nullptr);
  }

  [[nodiscard]] bool is_sqlite() const { return GetParam().name == "sqlite"; }
  // Checkpoints and dead letters in a database (SQLite, postgres): each handle opened here is a
  // connection of its own, as another runner's would be.
  [[nodiscard]] bool is_database() const { return GetParam().name != "memory"; }
  // The store file of the SQLite backend (backends.cc opens it under this name).
  [[nodiscard]] std::string store_path() const { return dir_.file("events.db"); }
  // A fresh handle on the backend's checkpoints (for SQLite: a new connection to the file).
  std::unique_ptr<CheckpointStore> open_checkpoints();
  // A fresh handle on the backend's dead letters.
  std::unique_ptr<DeadLetterStore> open_dead_letters();

  CheckpointStore& checkpoints() { return *checkpoints_; }

  // Where an exactly-once read model lives: a schema of the test server beside the postgres
  // store (run_postgres_projection), a SQLite file otherwise (run_sqlite_projection) — the store's
  // own file for the SQLite backend.
  struct ReadModelPlace {
    std::string sqlite_path;  // when schema is empty
    std::string schema;
  };
  // The backend's read model, and a fresh one beside it (for rebuilds to compare with).
  [[nodiscard]] ReadModelPlace read_model() const;
  [[nodiscard]] ReadModelPlace fresh_read_model() const;
  Result<Subscription> run_exactly_once(const Projection<Tx>& projection,
                                        const ProjectionOptions& options = {},
                                        const ReadModelPlace* place = nullptr);
  Status rebuild_exactly_once(const Projection<Tx>& projection,
                              const ProjectionOptions& options = {},
                              const ReadModelPlace* place = nullptr);
  // The ledger's balances ("account=cents", by account) as the read model holds them.
  std::vector<std::string> balances_in(const ReadModelPlace& place) const;
  // Runs `sql` on the read model (outside any runner).
  void exec_in(const ReadModelPlace& place, const std::string& sql) const;
  // A fresh handle on the dead letters the exactly-once runner parks in the read model.
  std::unique_ptr<DeadLetterStore> letters_in(const ReadModelPlace& place) const;
  // The checkpoint `name` the exactly-once runner committed in the read model.
  std::optional<Position> committed_in(const ReadModelPlace& place, std::string_view name) const;

  std::unique_ptr<CheckpointStore> checkpoints_;
  // The postgres backend's checkpoints and dead letters live in a schema of their own (the
  // store's is not known here); what matters is that every handle opens the same one.
  PostgresOptions pg_options_{.schema = fresh_pg_schema()};
};

}  // namespace es::testing
