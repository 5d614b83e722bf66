// Runners: run a Projection as a Subscription named after it (DESIGN §8).
//
//   run_sqlite_projection  exactly-once: the read model lives in a SQLite store file (normally
//                          the store's own); each batch of events — the handlers' writes through
//                          es::Tx and the checkpoint — commits in one transaction, so after any
//                          crash the read model is exactly the fold of the events up to its
//                          checkpoint. Batching many events per transaction is what makes it fast.
//   run_postgres_projection the same with the read model in a PostgreSQL schema (normally the
//                          store's own): one PostgreSQL transaction per batch.
//   Both exactly-once runners can park failing events (ProjectionOptions::dead_letters) in the
//   read model's own database, each letter in the transaction that moves the checkpoint past it.
//   run_projection         at-least-once, for any other read model: the checkpoint is saved after
//                          each batch, so a crash redelivers the events since the last save;
//                          handlers must tolerate that (see es/projection/deduplicator.h).
//   rebuild_*              reset the checkpoint, clear the read model (Projection::on_clear),
//                          drop the projection's dead letters (options.dead_letters) and replay
//                          everything up to the head, reporting progress; then return. What
//                          still fails is parked again, so the result is what a fresh run gives.
// A running runner of the same projection notices a rebuild (or a second runner) at its next
// checkpoint save and stops with kConflict.
//
// Thread safety: as Subscription; the projection and the store must outlive the runner.
//
//   es::Projection<es::Tx> balances("balances");   // … on<MoneyDeposited>(…) …
//   auto running = es::run_sqlite_projection(*store, "events.db", balances);
//   running->wait_for(appended.last_position, std::chrono::seconds(5));   // read your writes
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "es/projection/checkpoint_store.h"
#include "es/projection/consumer_group.h"
#include "es/projection/dead_letter_store.h"
#include "es/projection/projection.h"
#include "es/projection/retry_policy.h"
#include "es/projection/subscription.h"
#include "es/projection/tx.h"
#include "es/store/postgres_store.h"
#include "es/store/sqlite_store.h"

namespace es {

struct ProjectionOptions {
  // Events per read, and so per transaction of an exactly-once runner. Default 1000.
  std::uint64_t page_size = 1000;
  // Stop once caught up instead of going live. Default false (rebuilds set it).
  bool stop_at_head = false;
  // Run as member k of n of a consumer group (es/projection/consumer_group.h): only this
  // member's streams are handled, under the checkpoint "<projection name>/k-of-n". Default none.
  // Rebuilds refuse a group (kInvalidArgument): one runner replays the whole read model.
  std::optional<ConsumerGroup> group;
  // Where events a handler keeps failing on are parked (es/projection/dead_letter_store.h),
  // under the checkpoint name, after `retry`. run_projection parks into this store; the
  // exactly-once runners park into the `dead_letters` table of the read-model database, inside
  // their transactions — pass open_sqlite_dead_letter_store(path) of that file, or
  // open_postgres_dead_letter_store(conninfo, postgres) of that schema, to list, retry and
  // discard them. Default none: a handler error stops the runner.
  DeadLetterStore* dead_letters = nullptr;
  // Attempts and backoff before an event is parked; only with dead_letters.
  RetryPolicy retry;
  // As in SubscriptionOptions: reaching the head, falling behind it, and each batch done (the
  // progress of a rebuild). Default none.
  std::function<void(const SubscriptionProgress&)> on_caught_up;
  std::function<void(const SubscriptionProgress&)> on_fell_behind;
  std::function<void(const SubscriptionProgress&)> on_progress;
};

// Exactly-once: the read model and the checkpoint `projection.name()` in the SQLite store file
// at `path`, events from `store`.
Result<Subscription> run_sqlite_projection(EventStore& store, const std::string& path,
                                           const Projection<Tx>& projection,
                                           const ProjectionOptions& options = {},
                                           const SqliteOptions& sqlite = {});
// In one transaction: on_start, on_clear and the checkpoint removed; then replays to the head.
Status rebuild_sqlite_projection(EventStore& store, const std::string& path,
                                 const Projection<Tx>& projection,
                                 const ProjectionOptions& options = {},
                                 const SqliteOptions& sqlite = {});

// Exactly-once: the read model and the checkpoint `projection.name()` in the schema
// `postgres.schema` of the database at `conninfo` (created or migrated if needed), events from
// `store`. With options.dead_letters, failing events are parked in that schema's `dead_letters`
// table in the same transactions as the read model and the checkpoint.
Result<Subscription> run_postgres_projection(EventStore& store, const std::string& conninfo,
                                             const Projection<Tx>& projection,
                                             const ProjectionOptions& options = {},
                                             const PostgresOptions& postgres = {});
// In one transaction: on_start, on_clear and the checkpoint removed; then replays to the head.
Status rebuild_postgres_projection(EventStore& store, const std::string& conninfo,
                                   const Projection<Tx>& projection,
                                   const ProjectionOptions& options = {},
                                   const PostgresOptions& postgres = {});

// At-least-once, with the checkpoint `projection.name()` in `checkpoints`.
Result<Subscription> run_projection(EventStore& store, CheckpointStore& checkpoints,
                                    const Projection<>& projection,
                                    const ProjectionOptions& options = {});
// Removes the checkpoint, then runs on_clear (a crash in between only redelivers), then replays
// to the head.
Status rebuild_projection(EventStore& store, CheckpointStore& checkpoints,
                          const Projection<>& projection, const ProjectionOptions& options = {});

}  // namespace es
