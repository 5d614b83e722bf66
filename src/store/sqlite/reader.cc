#include "store/sqlite/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "store/append_rules.h"
#include "store/retention.h"
#include "store/sqlite/schema.h"

namespace es::sqlite {
namespace {

constexpr std::string_view kEventColumns =
    "position, id, stream, version, type, schema_version, data, metadata, tenant, recorded_at";
// EventFields::kPayload: the columns decode_payload reads, numbered as in kEventColumns' order.
constexpr std::string_view kPayloadColumns = "version, type, schema_version, data";

// SQLite's LIMIT for "one more than max_count" (to learn whether more follow); -1 is no limit.
std::int64_t limit_plus_one(std::uint64_t max_count) {
  return max_count >= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
             ? -1
             : static_cast<std::int64_t>(max_count) + 1;
}

void decode_event(const Statement& row, RecordedEvent& e) {
  e.position = Position(0, static_cast<std::uint64_t>(row.column_int(0)));
  Uuid::Bytes bytes{};
  const std::string_view id = row.column_blob(1);
  std::copy_n(id.begin(), std::min(id.size(), bytes.size()), bytes.begin());
  e.id = Uuid(bytes);
  e.stream.assign(row.column_text(2));
  e.version = row.column_int(3);
  e.type.assign(row.column_text(4));
  e.schema_version = static_cast<std::int32_t>(row.column_int(5));
  e.data.assign(row.column_blob(6));
  e.metadata.assign(row.column_text(7));
  e.tenant.assign(row.column_text(8));
  e.recorded_at = from_unix_micros(row.column_int(9));
}

void decode_payload(const Statement& row, RecordedEvent& e) {
  e.version = row.column_int(0);
  e.type.assign(row.column_text(1));
  e.schema_version = static_cast<std::int32_t>(row.column_int(2));
  e.data.assign(row.column_blob(3));
}

// Clears what decode_payload leaves alone in the reused event, so no earlier row shows through.
void start_payload_read(std::string_view stream, RecordedEvent& e) {
  e.id = Uuid();
  e.stream.assign(stream);
  e.position = Position::start();
  e.metadata.clear();
  e.tenant.clear();
  e.recorded_at = Timestamp();
}

constexpr std::string_view kStreamColumns =
    "stream, version, truncate_before, tombstoned, tenant, max_count, max_age_us, "
    "retention_truncate_before, created_at, updated_at";

StreamRecord decode_stream(const Statement& s) {
  StreamRecord r;
  r.row.exists = true;
  r.row.version = s.column_int(1);
  r.row.truncate_before = s.column_int(2);
  r.row.tombstoned = s.column_int(3) != 0;
  r.row.tenant = std::string(s.column_text(4));
  if (r.row.tombstoned && r.row.version == 0) r.row.exists = false;
  r.info.stream = std::string(s.column_text(0));
  r.info.state = detail::state_of(r.row);
  r.info.version = r.row.version;
  r.info.tenant = r.row.tenant;
  if (!s.column_is_null(5))
    r.info.retention.max_count = static_cast<std::uint64_t>(s.column_int(5));
  if (!s.column_is_null(6)) r.info.retention.max_age = std::chrono::microseconds(s.column_int(6));
  r.info.retention.truncate_before = s.column_int(7);
  r.info.deleted_before = r.row.truncate_before;
  r.info.created_at = from_unix_micros(s.column_int(8));
  r.info.updated_at = from_unix_micros(s.column_int(9));
  return r;
}

}  // namespace

Result<Statement*> Reader::statement(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto stmt = conn_.prepare(sql);
    if (!stmt) return stmt.error();
    it = cache_.emplace(sql, std::move(*stmt)).first;
  }
  it->second.reset();
  return &it->second;
}

template <typename Body>
auto Reader::in_snapshot(Body&& body) -> decltype(body()) {
  auto begin = statement("BEGIN");
  if (!begin) return begin.error();
  ES_RETURN_IF_ERROR((*begin)->run("begin read"));
  // A visitor may throw: a pooled connection left in its snapshot would never see a later
  // commit and would keep the WAL from restarting.
  const RollbackGuard guard(conn_.get());
  auto result = body();
  auto end = statement("COMMIT");
  if (end) (void)(*end)->run("end read");
  return result;
}

Result<std::pair<std::int64_t, bool>> Reader::read_stream(std::string_view stream,
                                                          const ReadStreamOptions& options,
                                                          const EventVisitor& visitor) {
  using Out = Result<std::pair<std::int64_t, bool>>;
  return in_snapshot([&]() -> Out {
    auto record = stream_record(stream);
    if (!record) return record.error();
    const StreamInfo& info = record->info;
    if (info.state == StreamState::kTombstoned) {
      return Status::stream_deleted("stream '" + std::string(stream) + "' is tombstoned");
    }
    if (info.state == StreamState::kAbsent) return std::pair<std::int64_t, bool>{0, true};
    const auto [bounds, low, high, from] =
        detail::stream_read_range(info, record->row.truncate_before, options, now());
    const bool forward = options.direction == Direction::kForward;
    const bool payload = options.fields == EventFields::kPayload;
    const std::string sql = fmt::format(
        "SELECT {} FROM events WHERE stream = ?1 AND version BETWEEN ?2 AND ?3 "
        "AND recorded_at BETWEEN ?4 AND ?5 ORDER BY version {} LIMIT ?6",
        payload ? kPayloadColumns : kEventColumns, forward ? "ASC" : "DESC");
    auto stmt = statement(sql);
    if (!stmt) return stmt.error();
    Statement& s = **stmt;
    StatementReset reset(s);
    s.bind(1, stream);
    s.bind(2, forward ? from : low);
    s.bind(3, forward ? high : from);
    s.bind(4, bounds.min_recorded_at ? to_unix_micros(*bounds.min_recorded_at)
                                     : std::numeric_limits<std::int64_t>::min());
    s.bind(5, options.as_of ? to_unix_micros(*options.as_of)
                            : std::numeric_limits<std::int64_t>::max());
    s.bind(6, limit_plus_one(options.max_count));
    if (payload) start_payload_read(stream, event_);
    std::uint64_t count = 0;
    for (;;) {
      const int rc = s.step();
      if (rc == SQLITE_DONE) return std::pair<std::int64_t, bool>{0, true};
      if (rc != SQLITE_ROW) return error_status(conn_.get(), rc, "read stream");
      if (count == options.max_count) {
        return std::pair<std::int64_t, bool>{s.column_int(payload ? 0 : 3), false};
      }
      if (payload)
        decode_payload(s, event_);
      else
        decode_event(s, event_);
      ++count;
      if (!visitor(event_)) return std::pair<std::int64_t, bool>{0, true};
    }
  });
}

Result<std::pair<Position, bool>> Reader::read_all(const ReadAllOptions& options,
                                                   const EventVisitor& visitor) {
  using Out = Result<std::pair<Position, bool>>;
  if (options.from.major() != 0) {
    return Status::invalid_argument("position " + options.from.to_string() +
                                    " is not a position of a sqlite store");
  }
  return in_snapshot([&]() -> Out {
    auto head = head_position();
    if (!head) return head.error();
    const auto from = static_cast<std::int64_t>(options.from.minor());
    auto upper = static_cast<std::int64_t>(head->minor());
    if (options.until) {
      // recorded_at never decreases along positions, so the first event after `until` bounds
      // the read.
      auto cut = statement(
          "SELECT position FROM events WHERE position > ?1 AND recorded_at > ?2 "
          "ORDER BY position LIMIT 1");
      if (!cut) return cut.error();
      StatementReset reset(**cut);
      (*cut)->bind(1, from);
      (*cut)->bind(2, to_unix_micros(*options.until));
      if ((*cut)->step() == SQLITE_ROW) upper = (*cut)->column_int(0) - 1;
    }
    std::string sql =
        fmt::format("SELECT {} FROM events WHERE position > ?1 AND position <= ?2", kEventColumns);
    int param = 3;
    auto placeholders = [&](std::size_t n) {
      std::string out;
      for (std::size_t i = 0; i < n; ++i) out += fmt::format("{}?{}", i ? ", " : "", param++);
      return out;
    };
    const EventFilter& f = options.filter;
    if (!f.types.empty()) sql += fmt::format(" AND type IN ({})", placeholders(f.types.size()));
    if (!f.categories.empty()) {
      sql += fmt::format(
          " AND (CASE WHEN instr(stream, '-') > 0 THEN substr(stream, 1, instr(stream, '-') - 1) "
          "ELSE stream END) IN ({})",
          placeholders(f.categories.size()));
    }
    if (!f.stream_prefix.empty()) {
      sql += fmt::format(" AND substr(CAST(stream AS BLOB), 1, ?{}) = CAST(?{} AS BLOB)", param,
                         param + 1);
      param += 2;
    }
    if (f.tenant) sql += fmt::format(" AND tenant = ?{}", param++);
    sql += fmt::format(" ORDER BY position LIMIT ?{}", param);
    auto stmt = statement(sql);
    if (!stmt) return stmt.error();
    Statement& s = **stmt;
    StatementReset reset(s);
    int i = 1;
    s.bind(i++, from);
    s.bind(i++, upper);
    for (const std::string& t : f.types) s.bind(i++, t);
    for (const std::string& c : f.categories) s.bind(i++, c);
    if (!f.stream_prefix.empty()) {
      s.bind(i++, static_cast<std::int64_t>(f.stream_prefix.size()));
      s.bind(i++, f.stream_prefix);
    }
    if (f.tenant) s.bind(i++, *f.tenant);
    s.bind(i, limit_plus_one(options.max_count));
    std::uint64_t count = 0;
    Position last = options.from;
    const Position end_position(0, static_cast<std::uint64_t>(std::max(upper, from)));
    for (;;) {
      const int rc = s.step();
      if (rc == SQLITE_DONE) return std::pair<Position, bool>{end_position, true};
      if (rc != SQLITE_ROW) return error_status(conn_.get(), rc, "read all");
      if (count == options.max_count) return std::pair<Position, bool>{last, false};
      decode_event(s, event_);
      last = event_.position;
      ++count;
      if (!visitor(event_)) return std::pair<Position, bool>{last, false};
    }
  });
}

Result<StreamInfo> Reader::stream_info(std::string_view stream) {
  auto record = stream_record(stream);
  if (!record) return record.error();
  return std::move(record->info);
}

Result<StreamRecord> Reader::stream_record(std::string_view stream) {
  auto stmt = statement(fmt::format("SELECT {} FROM streams WHERE stream = ?1", kStreamColumns));
  if (!stmt) return stmt.error();
  StatementReset reset(**stmt);
  (*stmt)->bind(1, stream);
  const int rc = (*stmt)->step();
  if (rc == SQLITE_ROW) return decode_stream(**stmt);
  if (rc != SQLITE_DONE) return error_status(conn_.get(), rc, "read stream info");
  StreamRecord record;
  record.info.stream = std::string(stream);
  return record;
}

Result<Position> Reader::head_position() {
  auto stmt = statement("SELECT max(position) FROM events");
  if (!stmt) return stmt.error();
  StatementReset reset(**stmt);
  const int rc = (*stmt)->step();
  if (rc != SQLITE_ROW) return error_status(conn_.get(), rc, "read head position");
  return Position(0, static_cast<std::uint64_t>((*stmt)->column_int(0)));
}

Result<std::vector<StreamInfo>> Reader::list_streams(const ListStreamsOptions& options) {
  auto stmt = statement(fmt::format(
      "SELECT {} FROM streams WHERE stream > ?1 AND stream >= ?2 ORDER BY stream LIMIT ?3",
      kStreamColumns));
  if (!stmt) return stmt.error();
  Statement& s = **stmt;
  StatementReset reset(s);
  s.bind(1, options.after);
  s.bind(2, options.prefix);
  s.bind(3, limit_plus_one(options.max_count) - 1);
  std::vector<StreamInfo> out;
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return error_status(conn_.get(), rc, "list streams");
    if (!s.column_text(0).starts_with(options.prefix)) return out;
    out.push_back(decode_stream(s).info);
  }
}

Result<StoreStats> Reader::stats(const std::string& path) {
  return in_snapshot([&]() -> Result<StoreStats> {
    StoreStats stats;
    stats.backend = "sqlite";
    auto events = conn_.query_int("SELECT count(*) FROM events");
    if (!events) return events.error();
    stats.events = static_cast<std::uint64_t>(*events);
    auto stmt = statement(
        "SELECT count(*), "
        "coalesce(sum(tombstoned = 0 AND truncate_before <= version), 0), "
        "coalesce(sum(tombstoned = 0 AND truncate_before > version), 0), "
        "coalesce(sum(tombstoned), 0) FROM streams");
    if (!stmt) return stmt.error();
    StatementReset reset(**stmt);
    if ((*stmt)->step() != SQLITE_ROW) return Status::internal("stats: no row");
    stats.streams = static_cast<std::uint64_t>((*stmt)->column_int(0));
    stats.live_streams = static_cast<std::uint64_t>((*stmt)->column_int(1));
    stats.deleted_streams = static_cast<std::uint64_t>((*stmt)->column_int(2));
    stats.tombstoned_streams = static_cast<std::uint64_t>((*stmt)->column_int(3));
    if (stats.events > 0) {
      auto first = conn_.query_int("SELECT recorded_at FROM events ORDER BY position LIMIT 1");
      auto last = conn_.query_int("SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1");
      if (first) stats.first_recorded_at = from_unix_micros(*first);
      if (last) stats.last_recorded_at = from_unix_micros(*last);
    }
    std::error_code ec;
    for (const char* suffix : {"", "-wal"}) {
      const auto size = std::filesystem::file_size(path + suffix, ec);
      if (!ec) stats.storage_bytes += size;
    }
    return stats;
  });
}

Result<std::unique_ptr<ReaderPool::Lease>> ReaderPool::acquire() {
  std::unique_ptr<Reader> reader;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      reader = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!reader) {
    auto conn = Connection::open(path_, /*read_only=*/true, options_.busy_timeout_ms);
    if (!conn) return conn.error();
    ES_RETURN_IF_ERROR(conn->exec(fmt::format("PRAGMA cache_size=-{}", options_.cache_size_kib)));
    reader = std::make_unique<Reader>(std::move(*conn));
  }
  return std::make_unique<Lease>(*this, std::move(reader));
}

void ReaderPool::release(std::unique_ptr<Reader> reader) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(reader));
}

}  // namespace es::sqlite
