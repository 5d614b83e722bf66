#include "store/postgres/writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "store/hash_chain.h"
#include "store/postgres/schema.h"

namespace es::postgres {
namespace {

// Rows per INSERT statement: 7 parameters each stays far below the protocol's 65,535.
constexpr std::size_t kRowsPerInsert = 500;

// Writers of one stream, in any process, take turns: the lock is held to the end of the
// transaction, and the stream row is read after it is granted (a statement of its own, so with a
// snapshot that sees the previous holder's commit). A row lock would not cover a stream that does
// not exist yet.
const std::string kLockStream = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
const std::string kSelectStream =
    fmt::format("SELECT {}, last_hash FROM streams WHERE stream = $1", kStreamRowColumns);
constexpr int kLastHashColumn = 4;
// A join on the unnested ids, not `id = ANY($1::text::uuid[])`: with the literal inlined into a
// custom plan, the planner chose a sequential scan that cast the text array again for every row
// (45 s for 6,000 ids on a 12,000-event store, against 17 ms for the join).
const std::string kSelectIds =
    "SELECT e.id, e.stream, e.version, e.xid, e.seq FROM unnest($1::text::uuid[]) AS u(id) "
    "JOIN events e ON e.id = u.id";
const std::string kUpsertStream =
    "INSERT INTO streams (stream, version, tenant, created_at, updated_at, last_hash) "
    "VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT (stream) DO UPDATE SET "
    "version = excluded.version, updated_at = excluded.updated_at, last_hash = excluded.last_hash";
const std::string kSoftDelete =
    "UPDATE streams SET truncate_before = version + 1, updated_at = $2 WHERE stream = $1";
const std::string kTombstone =
    "INSERT INTO streams (stream, version, tombstoned, created_at, updated_at) "
    "VALUES ($1, 0, true, $2, $2) ON CONFLICT (stream) DO UPDATE SET tombstoned = true, "
    "updated_at = excluded.updated_at";
const std::string kRetention =
    "UPDATE streams SET max_count = $2, max_age_us = $3, retention_truncate_before = $4, "
    "truncate_before = greatest(truncate_before, $4) WHERE stream = $1";
const std::string kSnapshotXmin = "SELECT pg_snapshot_xmin(pg_current_snapshot())";
// Delivered to listeners only when the transaction commits.
const std::string kNotifyAppended = "SELECT pg_notify($1, '')";

// The ids of `request` as a uuid[] literal, or "" when every id is left to the store.
std::string id_array(const AppendRequest& request) {
  std::string out;
  for (const EventData& event : request.events) {
    if (event.id.is_nil()) continue;
    out += out.empty() ? "{" : ",";
    out += event.id.to_string();
  }
  return out.empty() ? out : out + "}";
}

// The stream row with its chain head; a row without a hash (a reserved name) links the next event
// to the chain's start.
detail::StreamRow decode_stream_head(const PgResult& r) {
  detail::StreamRow row = decode_stream_row(r, 0, 0);
  if (!detail::to_chain_hash(r.field(0, kLastHashColumn), row.last_hash)) {
    row.last_hash = detail::kChainStart;
  }
  return row;
}

Position position_at(const PgResult& r, int row, int xid_col) {
  return {read_xid8(r.field(row, xid_col)),
          static_cast<std::uint64_t>(read_int8(r.field(row, xid_col + 1)))};
}

}  // namespace

detail::StreamRow decode_stream_row(const PgResult& r, int row, int first_col) {
  detail::StreamRow out;
  out.exists = true;
  out.version = read_int8(r.field(row, first_col));
  out.truncate_before = read_int8(r.field(row, first_col + 1));
  out.tombstoned = read_bool(r.field(row, first_col + 2));
  out.tenant = std::string(r.field(row, first_col + 3));
  // A tombstone on a never-written name keeps version 0 and reads as absent-but-tombstoned.
  if (out.tombstoned && out.version == 0) out.exists = false;
  return out;
}

Result<std::unique_ptr<Writer>> Writer::open(const std::string& conninfo,
                                             const PostgresOptions& options) {
  auto conn = Connection::open(conninfo, options.schema);
  if (!conn) return conn.error();
  ES_RETURN_IF_ERROR(migrate(*conn, options.schema));
  return std::unique_ptr<Writer>(new Writer(std::move(*conn), options));
}

void Writer::advance_visible_below(std::uint64_t xmin) {
  std::uint64_t seen = visible_below_.load();
  while (seen < xmin && !visible_below_.compare_exchange_weak(seen, xmin)) {
  }
}

Status Writer::start_pipeline(Pipeline& pipeline, std::size_t& skip) {
  skip = deferred_.size();
  for (const std::string& sql : deferred_) ES_RETURN_IF_ERROR(pipeline.add(sql));
  deferred_.clear();
  return Status::ok();
}

Status Writer::begin() {
  ES_RETURN_IF_ERROR(conn_.ensure_healthy());
  deferred_.clear();
  deferred_.emplace_back("BEGIN");
  txn_recorded_at_ = std::max(now(), last_recorded_at_);
  last_recorded_at_ = txn_recorded_at_;
  txn_inserted_ = false;
  pending_.clear();
  isolate_ = false;
  savepoint_open_ = false;
  committed_ = false;
  broken_ = Status::ok();
  return Status::ok();
}

Status Writer::add_commit(Pipeline& pipeline, Params& channel) {
  if (txn_inserted_) ES_RETURN_IF_ERROR(pipeline.add(kNotifyAppended, channel.text(channel_)));
  ES_RETURN_IF_ERROR(pipeline.add("COMMIT"));
  // Taken after the commit, in the same round trip: when nothing older still runs, the events
  // just committed are visible to feed readers at once.
  if (txn_inserted_) ES_RETURN_IF_ERROR(pipeline.add(kSnapshotXmin));
  return Status::ok();
}

void Writer::finish_commit(const std::vector<PgResult>& results) {
  committed_ = true;
  if (txn_inserted_) advance_visible_below(read_xid8(results.back().field(0, 0)));
}

Status Writer::commit() {
  ES_RETURN_IF_ERROR(flush_appends(/*commit=*/true));
  ES_RETURN_IF_ERROR(broken_);
  if (committed_) return Status::ok();
  Pipeline pipeline(conn_);
  std::size_t skip = 0;
  ES_RETURN_IF_ERROR(start_pipeline(pipeline, skip));
  Params channel;
  ES_RETURN_IF_ERROR(add_commit(pipeline, channel));
  auto results = pipeline.run();
  if (!results) return results.error();
  finish_commit(*results);
  return Status::ok();
}

void Writer::rollback() {
  deferred_.clear();
  pending_.clear();
  (void)conn_.exec("ROLLBACK");
}

Status Writer::savepoint() {
  isolate_ = true;
  return Status::ok();
}
// Both ride along with the next pipeline, whose errors end the transaction (broken_).
Status Writer::rollback_to_savepoint() {
  if (savepoint_open_) deferred_.emplace_back("ROLLBACK TO SAVEPOINT append");
  return Status::ok();
}
Status Writer::release_savepoint() {
  if (savepoint_open_) deferred_.emplace_back("RELEASE SAVEPOINT append");
  savepoint_open_ = false;
  return Status::ok();
}

Status Writer::start_eager() {
  ES_RETURN_IF_ERROR(flush_appends(/*commit=*/false));
  if (isolate_) {
    deferred_.emplace_back("SAVEPOINT append");
    savepoint_open_ = true;
  }
  return Status::ok();
}

Result<Writer::Appended> Writer::append(std::span<const AppendRequest> batch) {
  return std::move(append_each_of({&batch, 1}).front());
}

std::vector<Result<Writer::Appended>> Writer::append_each(std::span<const AppendRequest> requests) {
  std::vector<std::span<const AppendRequest>> batches;
  batches.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) batches.push_back(requests.subspan(i, 1));
  return append_each_of(batches);
}

std::vector<Result<Writer::Appended>> Writer::append_each_of(
    std::span<const std::span<const AppendRequest>> batches) {
  std::vector<Appended> outs(batches.size());
  std::vector<PendingAppend> pendings(batches.size());
  std::vector<detail::GroupCommit::Job> jobs;
  jobs.reserve(batches.size());
  for (std::size_t i = 0; i < batches.size(); ++i) {
    pendings[i].batch = batches[i];
    pendings[i].out = &outs[i];
    jobs.emplace_back([this, &pending = pendings[i]] {
      pending.recorded_at = txn_recorded_at_;
      pending_.push_back(&pending);
      return Status::ok();
    });
  }
  const std::vector<Status> groups = group_.run_each(jobs);
  std::vector<Result<Appended>> results;
  results.reserve(batches.size());
  for (std::size_t i = 0; i < batches.size(); ++i) {
    // The append's own failure says more than the group's (a conflict, not an aborted commit).
    if (!pendings[i].status.is_ok()) {
      results.emplace_back(std::move(pendings[i].status));
    } else if (!groups[i].is_ok()) {
      results.emplace_back(groups[i]);
    } else {
      results.emplace_back(std::move(outs[i]));
    }
  }
  return results;
}

Result<Writer::Appended> Writer::import(std::span<const ImportGroup> groups) {
  Appended out;
  // Only this job's events get the imported times: the group's other jobs keep the clock's.
  const detail::GroupCommit::Job job = [&] {
    ES_RETURN_IF_ERROR(start_eager());
    for (const ImportGroup& group : groups) {
      Appended part;
      PendingAppend pending{
          .batch = group.requests, .recorded_at = group.recorded_at, .out = &part};
      pending_.push_back(&pending);
      ES_RETURN_IF_ERROR(flush_appends(/*commit=*/false));
      ES_RETURN_IF_ERROR(pending.status);
      out.results.insert(out.results.end(), part.results.begin(), part.results.end());
      if (part.xid != 0) out.xid = part.xid;
    }
    return Status::ok();
  };
  ES_RETURN_IF_ERROR(group_.run(job));
  return out;
}

std::size_t Writer::wave_end(std::size_t first) const {
  std::set<std::string_view> streams;
  std::set<Uuid> ids;
  std::size_t end = first;
  for (; end < pending_.size(); ++end) {
    const std::span<const AppendRequest> batch = pending_[end]->batch;
    const bool overlaps = std::ranges::any_of(batch, [&](const AppendRequest& request) {
      return streams.contains(request.stream) ||
             std::ranges::any_of(request.events,
                                 [&](const EventData& e) { return ids.contains(e.id); });
    });
    if (overlaps && end > first) break;
    for (const AppendRequest& request : batch) {
      streams.insert(request.stream);
      for (const EventData& event : request.events) {
        if (!event.id.is_nil()) ids.insert(event.id);
      }
    }
  }
  return end;
}

Status Writer::flush_appends(bool commit) {
  std::size_t first = 0;
  Status status;
  while (first < pending_.size() && status.is_ok()) {
    const std::size_t end = wave_end(first);
    status =
        run_wave(std::span(pending_).subspan(first, end - first), commit && end == pending_.size());
    first = status.is_ok() ? end : first;
  }
  for (std::size_t i = first; i < pending_.size(); ++i) {
    if (pending_[i]->status.is_ok()) pending_[i]->status = status;
  }
  pending_.clear();
  return status;
}

Status Writer::queue_reads(Pipeline& pipeline, PendingAppend& append, std::deque<Params>& params) {
  append.ids.resize(append.batch.size());
  for (std::size_t r = 0; r < append.batch.size(); ++r) {
    Params& name = params.emplace_back().text(append.batch[r].stream);
    ES_RETURN_IF_ERROR(pipeline.add(kLockStream, name));
    ES_RETURN_IF_ERROR(pipeline.add(kSelectStream, name));
    append.ids[r] = id_array(append.batch[r]);
    if (!append.ids[r].empty()) {
      ES_RETURN_IF_ERROR(pipeline.add(kSelectIds, params.emplace_back().text(append.ids[r])));
    }
  }
  return Status::ok();
}

Status Writer::decide(PendingAppend& append, const std::vector<PgResult>& fetched,
                      std::size_t next) {
  const std::span<const AppendRequest> batch = append.batch;
  append.out->results.assign(batch.size(), AppendResult{});
  append.rows.assign(batch.size(), detail::StreamRow{});
  // Decide every request before writing any: the ids first, then the expected version.
  std::size_t inserts = 0;
  for (std::size_t r = 0; r < batch.size(); ++r) {
    const AppendRequest& request = batch[r];
    detail::StreamRow& row = append.rows[r];
    ++next;  // the lock's result
    const PgResult& stream_row = fetched[next++];
    if (stream_row.rows() > 0) row = decode_stream_head(stream_row);
    // The tenant first: another tenant learns nothing, not even a replay's place or a version.
    ES_RETURN_IF_ERROR(detail::check_tenant(request.stream, row, request.tenant));
    const PgResult* found = append.ids[r].empty() ? nullptr : &fetched[next++];
    if (found == nullptr || found->rows() == 0) {
      ES_RETURN_IF_ERROR(detail::check_expected(request.stream, row, request.expected));
      ++inserts;
      continue;
    }
    std::map<Uuid, detail::StoredPlace> places;
    for (int i = 0; i < found->rows(); ++i) {
      places.emplace(read_uuid(found->field(i, 0)),
                     detail::StoredPlace{std::string(found->field(i, 1)),
                                         read_int8(found->field(i, 2)), position_at(*found, i, 3)});
    }
    std::vector<std::optional<detail::StoredPlace>> stored;
    for (const EventData& event : request.events) {
      auto it = event.id.is_nil() ? places.end() : places.find(event.id);
      stored.push_back(it == places.end() ? std::nullopt : std::optional(it->second));
    }
    auto replay = detail::check_replay(request.stream, row, request.expected, stored);
    if (!replay) return replay.error();
    append.out->results[r] = *replay;
  }
  if (inserts == 0) return Status::ok();
  if (inserts != batch.size()) {
    return Status::already_exists("batch repeats the event ids of some requests but not others");
  }
  append.writes = true;
  return Status::ok();
}

struct Writer::WriteBuffers {
  std::deque<Params> params;
  std::deque<Uuid> fresh_ids;
  std::deque<detail::ChainHash> hashes;
};

Status Writer::run_wave(std::span<PendingAppend* const> wave, bool commit) {
  // One round trip: every stream's lock and row, and every stored id.
  Pipeline reads(conn_);
  std::size_t skip = 0;
  ES_RETURN_IF_ERROR(start_pipeline(reads, skip));
  std::deque<Params> read_params;
  std::vector<std::size_t> firsts;
  for (PendingAppend* append : wave) {
    firsts.push_back(reads.size());
    ES_RETURN_IF_ERROR(queue_reads(reads, *append, read_params));
  }
  std::vector<PgResult> fetched;
  std::size_t failed = 0;
  if (Status s = reads.run(fetched, failed); !s.is_ok()) {
    broken_ = s;
    return s;
  }
  std::vector<PendingAppend*> writers;
  for (std::size_t i = 0; i < wave.size(); ++i) {
    wave[i]->status = decide(*wave[i], fetched, firsts[i]);
    if (wave[i]->status.is_ok() && wave[i]->writes) writers.push_back(wave[i]);
  }
  // One round trip for every append's writes (and the commit), again after each refused one.
  for (std::size_t from = 0; from < writers.size();) {
    Pipeline pipeline(conn_);
    ES_RETURN_IF_ERROR(start_pipeline(pipeline, skip));
    WriteBuffers buffers;
    std::vector<std::size_t> ends;  // per writer: the index after its last statement
    for (std::size_t i = from; i < writers.size(); ++i) {
      if (isolate_) ES_RETURN_IF_ERROR(pipeline.add("SAVEPOINT append"));
      ES_RETURN_IF_ERROR(queue_writes(pipeline, *writers[i], buffers));
      if (isolate_) ES_RETURN_IF_ERROR(pipeline.add("RELEASE SAVEPOINT append"));
      ends.push_back(pipeline.size());
    }
    txn_inserted_ = true;
    Params channel;
    if (commit) ES_RETURN_IF_ERROR(add_commit(pipeline, channel));
    std::vector<PgResult> done;
    Status status = pipeline.run(done, failed);
    std::size_t start = skip;
    std::size_t i = from;
    for (; i < writers.size() && (status.is_ok() || ends[i - from] <= failed); ++i) {
      read_writes(*writers[i], done, isolate_ ? start + 1 : start);
      start = ends[i - from];
    }
    if (status.is_ok()) {
      if (commit) finish_commit(done);
      return Status::ok();
    }
    // Refused by the server: the (stream, version) backstop means a writer that bypassed the
    // stream lock took the version.
    if (failed < skip || i == writers.size()) {
      broken_ = status;
      return status;
    }
    PendingAppend& refused = *writers[i];
    refused.status = status;
    if (status.code() == StatusCode::kInternal &&
        status.message().find(kStreamVersionConstraint) != std::string_view::npos) {
      const AppendRequest& request = refused.batch.front();
      refused.status = Status::conflict({std::string(request.stream), request.expected.to_string(),
                                         refused.rows.front().version});
    }
    if (!isolate_) {
      broken_ = status;
      return status;
    }
    deferred_.emplace_back("ROLLBACK TO SAVEPOINT append");
    deferred_.emplace_back("RELEASE SAVEPOINT append");
    from = i + 1;
  }
  return Status::ok();
}

const std::string& Writer::insert_sql(std::size_t rows) {
  if (insert_sql_.size() < rows + 1) insert_sql_.resize(rows + 1);
  std::string& sql = insert_sql_[rows];
  if (sql.empty()) {
    sql =
        "INSERT INTO events (stream, tenant, recorded_at, id, version, type, schema_version, data, "
        "metadata, hash) VALUES ";
    for (std::size_t i = 0; i < rows; ++i) {
      const std::size_t p = 4 + i * 7;
      sql += fmt::format("{}($1, $2, $3, ${}, ${}, ${}, ${}, ${}, ${}, ${})", i ? ", " : "", p,
                         p + 1, p + 2, p + 3, p + 4, p + 5, p + 6);
    }
    sql += " RETURNING xid, seq";
  }
  return sql;
}

Status Writer::queue_writes(Pipeline& pipeline, PendingAppend& append, WriteBuffers& buffers) {
  // The hashed recorded_at is the stored one: timestamptz keeps microseconds, as Timestamp does.
  const std::int64_t recorded_at_us = to_unix_micros(append.recorded_at);
  append.chunks.assign(append.batch.size(), 0);
  for (std::size_t r = 0; r < append.batch.size(); ++r) {
    const AppendRequest& request = append.batch[r];
    const detail::StreamRow& row = append.rows[r];
    AppendResult& result = append.out->results[r];
    const std::string_view tenant = row.exists ? std::string_view(row.tenant) : request.tenant;
    std::int64_t version = row.version;
    detail::ChainHash hash = row.last_hash;
    result.first_version = version + 1;
    for (std::size_t first = 0; first < request.events.size(); first += kRowsPerInsert) {
      const std::size_t n = std::min(kRowsPerInsert, request.events.size() - first);
      Params& p = buffers.params.emplace_back();
      p.text(request.stream).text(tenant).timestamptz(append.recorded_at);
      for (std::size_t i = first; i < first + n; ++i) {
        const EventData& event = request.events[i];
        const Uuid& id = event.id.is_nil() ? buffers.fresh_ids.emplace_back(Uuid::v7()) : event.id;
        hash = detail::chain_hash(hash, detail::chain_fields(request.stream, ++version, id, event,
                                                             tenant, recorded_at_us));
        p.uuid(id).int8(version).text(event.type).int4(event.schema_version);
        p.bytea(event.data).text(event.metadata);
        p.bytea(detail::as_bytes(buffers.hashes.emplace_back(hash)));
      }
      ES_RETURN_IF_ERROR(pipeline.add(insert_sql(n), p));
      ++append.chunks[r];
    }
    result.last_version = version;
    Params& up = buffers.params.emplace_back();
    up.text(request.stream).int8(version).text(tenant).timestamptz(append.recorded_at);
    up.bytea(detail::as_bytes(buffers.hashes.emplace_back(hash)));
    ES_RETURN_IF_ERROR(pipeline.add(kUpsertStream, up));
  }
  return Status::ok();
}

void Writer::read_writes(PendingAppend& append, const std::vector<PgResult>& done,
                         std::size_t next) {
  for (std::size_t r = 0; r < append.batch.size(); ++r) {
    AppendResult& result = append.out->results[r];
    const PgResult& first = done[next];
    const PgResult& last = done[next + append.chunks[r] - 1];
    result.first_position = position_at(first, 0, 0);
    result.last_position = position_at(last, last.rows() - 1, 0);
    append.out->xid = result.first_position.major();
    next += append.chunks[r] + 1;
  }
}

Result<detail::StreamRow> Writer::load_row(std::string_view stream) {
  Pipeline pipeline(conn_);
  std::size_t skip = 0;
  ES_RETURN_IF_ERROR(start_pipeline(pipeline, skip));
  Params p;
  p.text(stream);
  ES_RETURN_IF_ERROR(pipeline.add(kLockStream, p));
  ES_RETURN_IF_ERROR(pipeline.add(kSelectStream, p));
  auto r = pipeline.run();
  if (!r) return r.error();
  const PgResult& row = r->back();
  return row.rows() > 0 ? decode_stream_head(row) : detail::StreamRow{};
}

Status Writer::delete_stream(std::string_view stream, ExpectedVersion expected, bool tombstone) {
  const detail::GroupCommit::Job job = [&]() -> Status {
    ES_RETURN_IF_ERROR(start_eager());
    auto row = load_row(stream);
    if (!row) return row.error();
    auto write = detail::check_delete(stream, *row, expected, tombstone);
    if (!write || !*write) return write ? Status::ok() : write.error();
    Params p;
    p.text(stream).timestamptz(txn_recorded_at_);
    auto r = conn_.query(tombstone ? kTombstone : kSoftDelete, p);
    return r ? Status::ok() : r.error();
  };
  return group_.run(job);
}

Status Writer::set_retention(std::string_view stream, const Retention& retention) {
  const detail::GroupCommit::Job job = [&]() -> Status {
    ES_RETURN_IF_ERROR(start_eager());
    auto row = load_row(stream);
    if (!row) return row.error();
    ES_RETURN_IF_ERROR(detail::check_retention_target(stream, *row));
    Params p;
    p.text(stream);
    if (retention.max_count) {
      p.int8(static_cast<std::int64_t>(std::min<std::uint64_t>(*retention.max_count, INT64_MAX)));
    } else {
      p.null(Oid::kInt8);
    }
    if (retention.max_age) {
      p.int8(static_cast<std::int64_t>(retention.max_age->count()));
    } else {
      p.null(Oid::kInt8);
    }
    p.int8(retention.truncate_before);
    auto r = conn_.query(kRetention, p);
    return r ? Status::ok() : r.error();
  };
  return group_.run(job);
}

}  // namespace es::postgres
