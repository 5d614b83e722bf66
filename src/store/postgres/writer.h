// The postgres backend's write side: one write connection driven by GroupCommit. Every write —
// append, delete, tombstone, retention — is a job in a group transaction. An append job only
// queues itself; at the commit the writer runs the group's appends together, a wave at a time (a
// wave holds appends whose streams and ids do not overlap): the wave's stream locks, stream rows
// and id look-ups go out in one pipeline, then every append's inserts and stream updates, each
// inside its own savepoint, in a second one that also carries the COMMIT. So a group costs two
// round trips, not two per append. A write the server refuses fails only its own append: the
// writer rolls back to that append's savepoint and sends the rest again. Other jobs (delete,
// retention, import) run at their turn, after the appends queued before them. The transaction
// statements (BEGIN, SAVEPOINT, RELEASE) ride along with the next pipeline.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
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
  // EventStore::append_each: each request a job of its own; one outcome per request.
  std::vector<Result<Appended>> append_each(std::span<const AppendRequest> requests);
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
  Status rollback_to_savepoint() override;
  Status release_savepoint() override;
  bool in_transaction() override { return broken_.is_ok(); }

  // The appends of `batches`, each a job of its own.
  std::vector<Result<Appended>> append_each_of(
      std::span<const std::span<const AppendRequest>> batches);

  // A pipeline that starts with the deferred transaction statements; `skip` is how many results
  // of theirs precede the caller's.
  Status start_pipeline(Pipeline& pipeline, std::size_t& skip);

  // An append waiting for the group's pipelines.
  struct PendingAppend {
    std::span<const AppendRequest> batch;
    Timestamp recorded_at;
    Appended* out = nullptr;
    Status status;                        // the append's own outcome
    std::vector<std::string> ids;         // per request: its ids as a uuid[] literal, or ""
    std::vector<detail::StreamRow> rows;  // per request: the stream row read under its lock
    bool writes = false;                  // every request inserts (none is a replay)
    std::vector<std::size_t> chunks;      // per request: its INSERT statements
  };
  struct WriteBuffers;  // parameters of one write pipeline

  // Runs every pending append; with `commit`, the last write pipeline also commits.
  Status flush_appends(bool commit);
  // Where the wave starting at pending_[first] ends.
  std::size_t wave_end(std::size_t first) const;
  Status run_wave(std::span<PendingAppend* const> wave, bool commit);
  Status queue_reads(Pipeline& pipeline, PendingAppend& append, std::deque<Params>& params);
  // Decides `append` from its reads, which start at fetched[next].
  static Status decide(PendingAppend& append, const std::vector<PgResult>& fetched,
                       std::size_t next);
  // Queues the inserts and stream updates of `append`.
  Status queue_writes(Pipeline& pipeline, PendingAppend& append, WriteBuffers& buffers);
  // Fills `append`'s results from its writes, which start at done[next].
  static void read_writes(PendingAppend& append, const std::vector<PgResult>& done,
                          std::size_t next);
  // Queues the end of the transaction: the notification, COMMIT and the snapshot xmin.
  Status add_commit(Pipeline& pipeline, Params& channel);
  void finish_commit(const std::vector<PgResult>& results);
  // A job that runs statements of its own: runs the appends queued before it, then opens the
  // job's savepoint.
  Status start_eager();

  Result<detail::StreamRow> load_row(std::string_view stream);
  // The SQL of a multi-row insert of `rows` events.
  const std::string& insert_sql(std::size_t rows);

  Connection conn_;
  detail::GroupCommit group_;
  std::vector<std::string> deferred_;  // parameterless statements sent with the next pipeline
  Timestamp txn_recorded_at_;          // recorded_at of every event of the current transaction
  Timestamp last_recorded_at_;         // so recorded_at never decreases along this writer's commits
  bool txn_inserted_ = false;          // the current transaction wrote events
  std::vector<PendingAppend*> pending_;  // the current transaction's appends not yet run
  bool isolate_ = false;                 // the group has several jobs: each runs in a savepoint
  bool savepoint_open_ = false;          // an eager job's savepoint was sent
  bool committed_ = false;               // a write pipeline carried the COMMIT
  Status broken_;  // an error no savepoint undoes: the transaction cannot commit
  std::vector<std::string> insert_sql_;  // by row count
  std::atomic<std::uint64_t> visible_below_{0};
  const std::string channel_;  // notified by each commit that appended (store/postgres/listener.h)
};

// The stream row as the writer and the readers decode it from kStreamColumns.
inline constexpr std::string_view kStreamRowColumns =
    "version, truncate_before, tombstoned, tenant";
detail::StreamRow decode_stream_row(const PgResult& r, int row, int first_col);

}  // namespace es::postgres
