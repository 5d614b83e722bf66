// The postgres backend's write side: one write connection driven by GroupCommit. Every write —
// append, delete, tombstone, retention — is a job in a group transaction; each job's statements
// go out in pipelines (the stream rows and id look-ups in one round trip, the inserts and stream
// updates in another), and the transaction statements (BEGIN, SAVEPOINT, RELEASE) ride along with
// the next pipeline instead of costing a round trip of their own.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "es/store/append.h"
#include "es/store/import.h"
#include "es/store/postgres_store.h"
#include "es/store/stream_info.h"
#include "store/append_rules.h"
#include "store/group_commit.h"
#include "store/postgres/connection.h"
#include "store/postgres/listener.h"

namespace es::postgres {

class Writer final : private detail::WriteTransaction {
 public:
  static Result<std::unique_ptr<Writer>> open(const std::string& conninfo,
                                              const PostgresOptions& options);

  // The transaction id the append's events carry; 0 when it wrote nothing (an idempotent replay).
  struct Appended {
    std::vector<AppendResult> results;
    std::uint64_t xid = 0;
  };
  Result<Appended> append(std::span<const AppendRequest> batch);
  // EventStore::import: each group appended with its recorded_at, all in one job.
  Result<Appended> import(std::span<const ImportGroup> groups);
  Status delete_stream(std::string_view stream, ExpectedVersion expected, bool tombstone);
  Status set_retention(std::string_view stream, const Retention& retention);

  // The highest snapshot xmin seen after a commit: every transaction below it has ended.
  [[nodiscard]] std::uint64_t visible_below() const { return visible_below_.load(); }
  // Raises visible_below() to `xmin` (never lowers it).
  void advance_visible_below(std::uint64_t xmin);

 private:
  Writer(Connection conn, const PostgresOptions& options)
      : conn_(std::move(conn)),
        group_(*this, options.max_group_size,
               std::chrono::microseconds(options.group_commit_wait_us)),
        channel_(append_channel(options.schema)) {}

  Status begin() override;
  Status commit() override;
  void rollback() override;
  Status savepoint() override;
  void rollback_to_savepoint() override;
  void release_savepoint() override;

  // A pipeline that starts with the deferred transaction statements; `skip` is how many results
  // of theirs precede the caller's.
  Status start_pipeline(Pipeline& pipeline, std::size_t& skip);

  // Job bodies; run inside the group transaction.
  Status apply_append(std::span<const AppendRequest> batch, Appended& out);
  Result<detail::StreamRow> load_row(std::string_view stream);
  Status insert_events(const std::vector<const AppendRequest*>& requests,
                       const std::vector<detail::StreamRow*>& rows,
                       const std::vector<AppendResult*>& results, std::uint64_t& xid);
  // The SQL of a multi-row insert of `rows` events.
  const std::string& insert_sql(std::size_t rows);

  Connection conn_;
  detail::GroupCommit group_;
  std::vector<std::string> deferred_;  // parameterless statements sent with the next pipeline
  Timestamp txn_recorded_at_;          // recorded_at of every event of the current transaction
  Timestamp last_recorded_at_;         // so recorded_at never decreases along this writer's commits
  bool txn_inserted_ = false;          // the current transaction wrote events
  std::vector<std::string> insert_sql_;  // by row count
  std::atomic<std::uint64_t> visible_below_{0};
  const std::string channel_;  // notified by each commit that appended (store/postgres/listener.h)
};

// The stream row as the writer and the readers decode it from kStreamColumns.
inline constexpr std::string_view kStreamRowColumns =
    "version, truncate_before, tombstoned, tenant";
detail::StreamRow decode_stream_row(const PgResult& r, int row, int first_col);

}  // namespace es::postgres
