// The sqlite backend's write side: one write connection driven by GroupCommit. Every write —
// append, delete, tombstone, retention — is a job in a group transaction (BEGIN IMMEDIATE, so
// rowid order is commit order and the global feed has no ordering gaps).
#pragma once

#include <span>
#include <vector>

#include "es/store/append.h"
#include "es/store/import.h"
#include "es/store/sqlite_store.h"
#include "es/store/stream_info.h"
#include "store/append_rules.h"
#include "store/group_commit.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/connection.h"

namespace es::sqlite {

class Writer final : private detail::WriteTransaction {
 public:
  static Result<std::unique_ptr<Writer>> open(const std::string& path,
                                              const SqliteOptions& options);

  Result<std::vector<AppendResult>> append(std::span<const AppendRequest> batch);
  // EventStore::append_each: each request a job of its own.
  std::vector<Result<AppendResult>> append_each(std::span<const AppendRequest> requests);
  // EventStore::import: each group appended with its recorded_at, all in one job.
  Result<std::vector<AppendResult>> import(std::span<const ImportGroup> groups);
  Status delete_stream(std::string_view stream, ExpectedVersion expected, bool tombstone);
  Status set_retention(std::string_view stream, const Retention& retention);

 private:
  Writer(std::unique_ptr<Checkpointer> checkpointer, Connection conn, const SqliteOptions& options)
      : checkpointer_(std::move(checkpointer)),
        conn_(std::move(conn)),
        group_(*this, options.max_group_size,
               std::chrono::microseconds(options.group_commit_wait_us)) {}
  Status prepare_statements();

  Status begin() override;
  Status commit() override;
  void rollback() override;
  Status savepoint() override;
  Status rollback_to_savepoint() override;
  Status release_savepoint() override;
  bool in_transaction() override;

  // Job bodies; run inside the group transaction.
  Status apply_append(std::span<const AppendRequest> batch, std::vector<AppendResult>& results);
  Result<detail::StreamRow> load_row(std::string_view stream);
  // Places of the request's event ids that are already stored; empty when none is.
  Result<std::vector<std::optional<detail::StoredPlace>>> stored_places(
      const AppendRequest& request);
  Status insert_events(const AppendRequest& request, const detail::StreamRow& row,
                       AppendResult& result);

  std::unique_ptr<Checkpointer> checkpointer_;  // outlives conn_, whose WAL hook it is
  Connection conn_;
  detail::GroupCommit group_;
  std::int64_t txn_recorded_at_ = 0;  // recorded_at of every event of the current transaction
  Statement commit_, rollback_, savepoint_, rollback_to_, release_;
  Statement last_recorded_, select_stream_, select_id_, insert_event_, upsert_stream_;
  Statement soft_delete_, tombstone_, retention_;
};

}  // namespace es::sqlite
