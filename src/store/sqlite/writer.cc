#include "store/sqlite/writer.h"

#include <algorithm>

#include "store/sqlite/schema.h"

namespace es::sqlite {

Result<std::unique_ptr<Writer>> Writer::open(const std::string& path,
                                             const SqliteOptions& options) {
  auto conn = open_store_connection(path, options);
  if (!conn) return conn.error();
  auto checkpointer = Checkpointer::open(path, options);
  if (!checkpointer) return checkpointer.error();
  (*checkpointer)->attach(conn->get());
  std::unique_ptr<Writer> writer(new Writer(std::move(*checkpointer), std::move(*conn), options));
  ES_RETURN_IF_ERROR(writer->prepare_statements());
  return writer;
}

Status Writer::prepare_statements() {
  struct Entry {
    Statement* stmt;
    std::string_view sql;
  };
  const Entry entries[] = {
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&savepoint_, "SAVEPOINT append"},
      {&rollback_to_, "ROLLBACK TO append"},
      {&release_, "RELEASE append"},
      {&last_recorded_, "SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1"},
      {&select_stream_,
       "SELECT version, truncate_before, tombstoned, tenant, last_hash FROM streams "
       "WHERE stream = ?1"},
      {&select_id_, "SELECT stream, version, position FROM events WHERE id = ?1"},
      {&insert_event_,
       "INSERT INTO events (id, stream, version, type, schema_version, data, metadata, tenant, "
       "recorded_at, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"},
      {&upsert_stream_,
       "INSERT INTO streams (stream, version, tenant, created_at, updated_at, last_hash) "
       "VALUES (?1, ?2, ?3, ?4, ?4, ?5) ON CONFLICT (stream) DO UPDATE SET "
       "version = excluded.version, updated_at = excluded.updated_at, "
       "last_hash = excluded.last_hash"},
      {&soft_delete_,
       "UPDATE streams SET truncate_before = version + 1, updated_at = ?2 WHERE stream = ?1"},
      {&tombstone_,
       "INSERT INTO streams (stream, version, tombstoned, created_at, updated_at) "
       "VALUES (?1, 0, 1, ?2, ?2) ON CONFLICT (stream) DO UPDATE SET tombstoned = 1, "
       "updated_at = excluded.updated_at"},
      {&retention_,
       "UPDATE streams SET max_count = ?2, max_age_us = ?3, retention_truncate_before = ?4, "
       "truncate_before = max(truncate_before, ?4) WHERE stream = ?1"},
  };
  for (const Entry& e : entries) {
    auto stmt = conn_.prepare(e.sql);
    if (!stmt) return stmt.error();
    *e.stmt = std::move(*stmt);
  }
  return Status::ok();
}

Status Writer::begin() {
  ES_RETURN_IF_ERROR(conn_.begin_write());
  // recorded_at never decreases along the global order, even when the clock steps back or
  // another process wrote the newest rows.
  std::int64_t last = 0;
  {
    StatementReset reset(last_recorded_);
    const int rc = last_recorded_.step();
    if (rc == SQLITE_ROW)
      last = last_recorded_.column_int(0);
    else if (rc != SQLITE_DONE)
      return error_status(conn_.get(), rc, "read last recorded_at");
  }
  txn_recorded_at_ = std::max(to_unix_micros(now()), last);
  return Status::ok();
}

Status Writer::commit() { return commit_.run("COMMIT"); }
void Writer::rollback() {
  if (!sqlite3_get_autocommit(conn_.get())) (void)rollback_.run("ROLLBACK");
}
Status Writer::savepoint() { return savepoint_.run("SAVEPOINT"); }
Status Writer::rollback_to_savepoint() { return rollback_to_.run("ROLLBACK TO"); }
Status Writer::release_savepoint() { return release_.run("RELEASE"); }
bool Writer::in_transaction() { return sqlite3_get_autocommit(conn_.get()) == 0; }

Result<std::vector<AppendResult>> Writer::append(std::span<const AppendRequest> batch) {
  std::vector<AppendResult> results;
  const detail::GroupCommit::Job job = [&] { return apply_append(batch, results); };
  ES_RETURN_IF_ERROR(group_.run(job));
  return results;
}

std::vector<Result<AppendResult>> Writer::append_each(std::span<const AppendRequest> requests) {
  std::vector<std::vector<AppendResult>> results(requests.size());
  std::vector<detail::GroupCommit::Job> jobs;
  jobs.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    jobs.emplace_back([this, &requests, &results, i] {
      return apply_append(requests.subspan(i, 1), results[i]);
    });
  }
  std::vector<Status> statuses = group_.run_each(jobs);
  std::vector<Result<AppendResult>> out;
  out.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (statuses[i].is_ok()) {
      out.emplace_back(results[i].front());
    } else {
      out.emplace_back(std::move(statuses[i]));
    }
  }
  return out;
}

Result<std::vector<AppendResult>> Writer::import(std::span<const ImportGroup> groups) {
  std::vector<AppendResult> results;
  // Only this job's events get the imported times: the group's other jobs keep the clock's.
  const detail::GroupCommit::Job job = [&] {
    const std::int64_t clock = txn_recorded_at_;
    Status status;
    for (const ImportGroup& group : groups) {
      std::vector<AppendResult> part;
      txn_recorded_at_ = to_unix_micros(group.recorded_at);
      status = apply_append(group.requests, part);
      if (!status.is_ok()) break;
      results.insert(results.end(), part.begin(), part.end());
    }
    txn_recorded_at_ = clock;
    return status;
  };
  ES_RETURN_IF_ERROR(group_.run(job));
  return results;
}

Result<detail::StreamRow> Writer::load_row(std::string_view stream) {
  StatementReset reset(select_stream_);
  select_stream_.bind(1, stream);
  const int rc = select_stream_.step();
  detail::StreamRow row;
  if (rc == SQLITE_DONE) return row;
  if (rc != SQLITE_ROW) return error_status(conn_.get(), rc, "read stream");
  row.exists = true;
  row.version = select_stream_.column_int(0);
  row.truncate_before = select_stream_.column_int(1);
  row.tombstoned = select_stream_.column_int(2) != 0;
  row.tenant = std::string(select_stream_.column_text(3));
  // A head without a hash (a reserved name) links the next event to the chain's start.
  if (!detail::to_chain_hash(select_stream_.column_blob(4), row.last_hash)) {
    row.last_hash = detail::kChainStart;
  }
  // A tombstone on a never-written name keeps version 0 and reads as absent-but-tombstoned.
  if (row.tombstoned && row.version == 0) row.exists = false;
  return row;
}

Result<std::vector<std::optional<detail::StoredPlace>>> Writer::stored_places(
    const AppendRequest& request) {
  std::vector<std::optional<detail::StoredPlace>> places;
  bool any = false;
  for (const EventData& event : request.events) {
    places.emplace_back();
    if (event.id.is_nil()) continue;
    StatementReset reset(select_id_);
    select_id_.bind_blob(1, event.id.bytes().data(), event.id.bytes().size());
    const int rc = select_id_.step();
    if (rc == SQLITE_DONE) continue;
    if (rc != SQLITE_ROW) return error_status(conn_.get(), rc, "look up event id");
    places.back() =
        detail::StoredPlace{std::string(select_id_.column_text(0)), select_id_.column_int(1),
                            Position(0, static_cast<std::uint64_t>(select_id_.column_int(2)))};
    any = true;
  }
  if (!any) places.clear();
  return places;
}

Status Writer::apply_append(std::span<const AppendRequest> batch,
                            std::vector<AppendResult>& results) {
  // Decide every request before writing any: the ids first, then the expected version.
  results.assign(batch.size(), AppendResult{});
  std::vector<detail::StreamRow> rows;
  rows.reserve(batch.size());
  std::size_t replays = 0;
  for (std::size_t r = 0; r < batch.size(); ++r) {
    const AppendRequest& request = batch[r];
    auto row = load_row(request.stream);
    if (!row) return row.error();
    // The tenant first: another tenant learns nothing, not even a replay's place or a version.
    ES_RETURN_IF_ERROR(detail::check_tenant(request.stream, *row, request.tenant));
    auto places = stored_places(request);
    if (!places) return places.error();
    if (!places->empty()) {
      auto replay = detail::check_replay(request.stream, *row, request.expected, *places);
      if (!replay) return replay.error();
      results[r] = *replay;
      ++replays;
    } else {
      ES_RETURN_IF_ERROR(detail::check_expected(request.stream, *row, request.expected));
    }
    rows.push_back(std::move(*row));
  }
  if (replays == batch.size()) return Status::ok();
  if (replays > 0) {
    return Status::already_exists("batch repeats the event ids of some requests but not others");
  }
  for (std::size_t r = 0; r < batch.size(); ++r) {
    ES_RETURN_IF_ERROR(insert_events(batch[r], rows[r], results[r]));
  }
  return Status::ok();
}

Status Writer::insert_events(const AppendRequest& request, const detail::StreamRow& row,
                             AppendResult& result) {
  const std::string_view tenant = row.exists ? std::string_view(row.tenant) : request.tenant;
  std::int64_t version = row.version;
  detail::ChainHash hash = row.last_hash;
  result.first_version = version + 1;
  for (const EventData& event : request.events) {
    const Uuid id = event.id.is_nil() ? Uuid::v7() : event.id;
    hash = detail::chain_hash(hash, detail::chain_fields(request.stream, version + 1, id, event,
                                                         tenant, txn_recorded_at_));
    StatementReset reset(insert_event_);
    insert_event_.bind_blob(1, id.bytes().data(), id.bytes().size());
    insert_event_.bind(2, request.stream);
    insert_event_.bind(3, ++version);
    insert_event_.bind(4, event.type);
    insert_event_.bind(5, std::int64_t{event.schema_version});
    insert_event_.bind_blob(6, event.data.data(), event.data.size());
    insert_event_.bind(7, event.metadata);
    insert_event_.bind(8, tenant);
    insert_event_.bind(9, txn_recorded_at_);
    insert_event_.bind_blob(10, hash.data(), hash.size());
    const int rc = insert_event_.step();
    if (rc != SQLITE_DONE) return error_status(conn_.get(), rc, "insert event");
    const Position position(0, static_cast<std::uint64_t>(sqlite3_last_insert_rowid(conn_.get())));
    if (result.first_position.is_start()) result.first_position = position;
    result.last_position = position;
  }
  result.last_version = version;
  StatementReset reset(upsert_stream_);
  upsert_stream_.bind(1, request.stream);
  upsert_stream_.bind(2, version);
  upsert_stream_.bind(3, tenant);
  upsert_stream_.bind(4, txn_recorded_at_);
  upsert_stream_.bind_blob(5, hash.data(), hash.size());
  const int rc = upsert_stream_.step();
  return rc == SQLITE_DONE ? Status::ok() : error_status(conn_.get(), rc, "update stream");
}

Status Writer::delete_stream(std::string_view stream, ExpectedVersion expected, bool tombstone) {
  const detail::GroupCommit::Job job = [&]() -> Status {
    auto row = load_row(stream);
    if (!row) return row.error();
    auto write = detail::check_delete(stream, *row, expected, tombstone);
    if (!write || !*write) return write ? Status::ok() : write.error();
    Statement& stmt = tombstone ? tombstone_ : soft_delete_;
    stmt.bind(1, stream);
    stmt.bind(2, txn_recorded_at_);
    return stmt.run(tombstone ? "tombstone stream" : "delete stream");
  };
  return group_.run(job);
}

Status Writer::set_retention(std::string_view stream, const Retention& retention) {
  const detail::GroupCommit::Job job = [&]() -> Status {
    auto row = load_row(stream);
    if (!row) return row.error();
    ES_RETURN_IF_ERROR(detail::check_retention_target(stream, *row));
    retention_.bind(1, stream);
    if (retention.max_count) {
      retention_.bind(
          2, static_cast<std::int64_t>(std::min<std::uint64_t>(*retention.max_count, INT64_MAX)));
    }
    if (retention.max_age)
      retention_.bind(3, static_cast<std::int64_t>(retention.max_age->count()));
    retention_.bind(4, retention.truncate_before);
    return retention_.run("set retention");
  };
  return group_.run(job);
}

}  // namespace es::sqlite
