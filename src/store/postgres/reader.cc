#include "store/postgres/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "store/append_rules.h"
#include "store/postgres/copy_out.h"
#include "store/postgres/writer.h"
#include "store/retention.h"

namespace es::postgres {
namespace {

constexpr std::string_view kEventColumns =
    "xid, seq, id, stream, version, type, schema_version, data, metadata, tenant, recorded_at";
// EventFields::kPayload: what a fold needs.
constexpr std::string_view kPayloadColumns = "version, type, schema_version, data";
// The number of columns of a column list.
constexpr std::size_t width(std::string_view columns) {
  return static_cast<std::size_t>(std::count(columns.begin(), columns.end(), ',')) + 1;
}
// Most versions per COPY of visit_stream().
constexpr std::int64_t kCopyChunk = 16384;
// Fewest versions a read must expect to visit before it reads ahead on a second connection.
constexpr std::int64_t kReadAheadMin = 2048;
constexpr std::string_view kStreamColumns =
    "stream, version, truncate_before, tombstoned, tenant, max_count, max_age_us, "
    "retention_truncate_before, created_at, updated_at";

Position position_at(const PgResult& r, int row, int col) {
  return {read_xid8(r.field(row, col)),
          static_cast<std::uint64_t>(read_int8(r.field(row, col + 1)))};
}

// Decoders of one row of kEventColumns / kPayloadColumns; `field(col)` is a column's binary bytes,
// from a query result or a binary COPY row alike.
template <typename Field>
void decode_event(const Field& field, RecordedEvent& e) {
  e.position = {read_xid8(field(0)), static_cast<std::uint64_t>(read_int8(field(1)))};
  e.id = read_uuid(field(2));
  e.stream.assign(field(3));
  e.version = read_int8(field(4));
  e.type.assign(field(5));
  e.schema_version = read_int4(field(6));
  e.data.assign(field(7));
  e.metadata.assign(field(8));
  e.tenant.assign(field(9));
  e.recorded_at = read_timestamptz(field(10));
}

template <typename Field>
void decode_payload(const Field& field, RecordedEvent& e) {
  e.version = read_int8(field(0));
  e.type.assign(field(1));
  e.schema_version = read_int4(field(2));
  e.data.assign(field(3));
}

auto result_row(const PgResult& r, int row) {
  return [&r, row](int col) { return r.field(row, col); };
}

// LIMIT for "one more than max_count" (to learn whether more follow); null is no limit.
void limit_plus_one(Params& p, std::uint64_t max_count) {
  if (max_count >= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    p.null(Oid::kInt8);
  } else {
    p.int8(static_cast<std::int64_t>(max_count) + 1);
  }
}

struct StreamRecord {
  detail::StreamRow row;
  StreamInfo info;
};

StreamRecord decode_stream(const PgResult& r, int row) {
  StreamRecord out;
  out.row = decode_stream_row(r, row, 1);
  out.info.stream = std::string(r.field(row, 0));
  out.info.state = detail::state_of(out.row);
  out.info.version = out.row.version;
  out.info.tenant = out.row.tenant;
  if (!r.is_null(row, 5)) {
    out.info.retention.max_count = static_cast<std::uint64_t>(read_int8(r.field(row, 5)));
  }
  if (!r.is_null(row, 6)) {
    out.info.retention.max_age = std::chrono::microseconds(read_int8(r.field(row, 6)));
  }
  out.info.retention.truncate_before = read_int8(r.field(row, 7));
  out.info.deleted_before = out.row.truncate_before;
  out.info.created_at = read_timestamptz(r.field(row, 8));
  out.info.updated_at = read_timestamptz(r.field(row, 9));
  return out;
}

Result<StreamRecord> stream_record(Connection& conn, std::string_view stream) {
  Params p;
  p.text(stream);
  auto r = conn.query(fmt::format("SELECT {} FROM streams WHERE stream = $1", kStreamColumns), p);
  if (!r) return r.error();
  if (r->rows() > 0) return decode_stream(*r, 0);
  StreamRecord record;
  record.info.stream = std::string(stream);
  return record;
}

// The newest position strictly below `upper`, or `floor` when there is none above `floor`.
Result<Position> last_below(Connection& conn, Position upper, Position floor) {
  Params p;
  p.position(upper);
  auto r = conn.query(
      "SELECT xid, seq FROM events WHERE (xid, seq) < ($1, $2) ORDER BY xid DESC, seq DESC "
      "LIMIT 1",
      p);
  if (!r) return r.error();
  if (r->rows() == 0) return floor;
  return std::max(floor, position_at(*r, 0, 0));
}

// The versions and times a read of `stream` may return; nullopt when the stream is absent,
// kStreamDeleted when it is tombstoned.
Result<std::optional<detail::StreamReadRange>> readable_range(Connection& conn,
                                                              std::string_view stream,
                                                              const ReadStreamOptions& options) {
  auto record = stream_record(conn, stream);
  if (!record) return record.error();
  const StreamInfo& info = record->info;
  if (info.state == StreamState::kTombstoned) {
    return Status::stream_deleted("stream '" + std::string(stream) + "' is tombstoned");
  }
  if (info.state == StreamState::kAbsent) return std::optional<detail::StreamReadRange>();
  return std::optional(
      detail::stream_read_range(info, record->row.truncate_before, options, now()));
}

// A timestamptz as SQL text, exact to the microsecond, for statements that take no parameters.
std::string timestamptz_literal(Timestamp t) {
  return fmt::format("(timestamptz 'epoch' + interval '1 microsecond' * {})", to_unix_micros(t));
}

}  // namespace

Result<std::pair<std::int64_t, bool>> read_stream(Connection& conn, std::string_view stream,
                                                  const ReadStreamOptions& options,
                                                  const EventVisitor& visitor) {
  using Out = std::pair<std::int64_t, bool>;
  auto range = readable_range(conn, stream, options);
  if (!range) return range.error();
  if (!*range) return Out{0, true};
  const auto& [bounds, low, high, from] = **range;
  const bool forward = options.direction == Direction::kForward;
  const bool payload = options.fields == EventFields::kPayload;
  Params p;
  p.text(stream).int8(forward ? from : low).int8(forward ? high : from);
  if (bounds.min_recorded_at) {
    p.timestamptz(*bounds.min_recorded_at);
  } else {
    p.timestamptz_infinity(false);
  }
  if (options.as_of) {
    p.timestamptz(*options.as_of);
  } else {
    p.timestamptz_infinity(true);
  }
  limit_plus_one(p, options.max_count);
  auto r =
      conn.query(fmt::format("SELECT {} FROM events WHERE stream = $1 AND version BETWEEN $2 "
                             "AND $3 AND recorded_at BETWEEN $4 AND $5 ORDER BY version {} "
                             "LIMIT $6",
                             payload ? kPayloadColumns : kEventColumns, forward ? "ASC" : "DESC"),
                 p);
  if (!r) return r.error();
  RecordedEvent event;
  if (payload) event.stream.assign(stream);
  const auto rows = static_cast<std::uint64_t>(r->rows());
  for (std::uint64_t i = 0; i < rows; ++i) {
    const int row = static_cast<int>(i);
    if (i == options.max_count) return Out{read_int8(r->field(row, payload ? 0 : 4)), false};
    if (payload) {
      decode_payload(result_row(*r, row), event);
    } else {
      decode_event(result_row(*r, row), event);
    }
    if (!visitor(event)) return Out{0, true};
  }
  return Out{0, true};
}

Status visit_stream(Connection& conn, Pool* read_ahead, std::string_view stream,
                    const ReadStreamOptions& options, const EventVisitor& visitor) {
  auto range = readable_range(conn, stream, options);
  if (!range) return range.error();
  if (!*range) return Status::ok();
  // Plain names, not a structured binding: the lambdas below use them (clang 14 cannot capture
  // a binding).
  const detail::RetentionBounds& bounds = (*range)->bounds;
  const std::int64_t low = (*range)->low;
  const std::int64_t high = (*range)->high;
  const std::int64_t from = (*range)->from;
  const bool forward = options.direction == Direction::kForward;
  const bool payload = options.fields == EventFields::kPayload;
  auto literal = quote_literal(conn, stream);
  if (!literal) return literal.error();
  std::string times;
  if (bounds.min_recorded_at) {
    times += fmt::format(" AND recorded_at >= {}", timestamptz_literal(*bounds.min_recorded_at));
  }
  if (options.as_of) {
    times += fmt::format(" AND recorded_at <= {}", timestamptz_literal(*options.as_of));
  }
  RecordedEvent event;
  if (payload) event.stream.assign(stream);
  bool stopped = false;
  const auto on_row = [&](std::span<const CopyField> row) {
    const auto field = [row](int col) { return row[static_cast<std::size_t>(col)].bytes; };
    if (payload) {
      decode_payload(field, event);
    } else {
      decode_event(field, event);
    }
    stopped = !visitor(event);
    return !stopped;
  };
  // One COPY per chunk of versions (options.max_count, at most kCopyChunk), so a visitor that
  // stops early costs at most the rest of one chunk; the bounds were read once, so every chunk
  // sees the same stream. A long read takes the read-ahead connection when it is free: each
  // chunk then streams from its own server process while the visitor takes the one before it,
  // so the two halves of a 10,000-event load are produced at once (docs/storage-postgres.md).
  const std::string_view columns = payload ? kPayloadColumns : kEventColumns;
  std::int64_t next = from;
  const auto more = [&] { return forward ? next <= high : next >= low; };
  if (!more()) return Status::ok();
  const auto wanted = static_cast<std::int64_t>(std::min<std::uint64_t>(
      static_cast<std::uint64_t>(forward ? high - from + 1 : from - low + 1), options.max_count));
  std::unique_ptr<Pool::Lease> ahead =
      read_ahead != nullptr && wanted >= kReadAheadMin ? read_ahead->try_acquire() : nullptr;
  const std::int64_t chunk =
      ahead ? std::min(kCopyChunk, (wanted + 1) / 2)
            : static_cast<std::int64_t>(std::clamp<std::uint64_t>(
                  options.max_count, 1, static_cast<std::uint64_t>(kCopyChunk)));
  const auto start_next = [&](Connection& on) {
    const std::int64_t first = forward ? next : std::max(low, next - chunk + 1);
    const std::int64_t last = forward ? std::min(high, next + chunk - 1) : next;
    next = forward ? last + 1 : first - 1;
    return CopyOut::start(
        on,
        fmt::format("SELECT {} FROM events WHERE stream = {} AND version BETWEEN "
                    "{} AND {}{} ORDER BY version {}",
                    columns, *literal, first, last, times, forward ? "ASC" : "DESC"),
        width(columns));
  };
  // A COPY in flight that will not be visited is read and dropped: its connection goes back idle.
  const auto drop = [](std::optional<CopyOut>& copy) {
    if (copy) (void)copy->read([](std::span<const CopyField>) { return false; });
  };
  Connection* on = &conn;                          // the connection of the chunk being visited
  Connection* spare = ahead ? &**ahead : nullptr;  // the other one, when reading ahead
  auto started = start_next(*on);
  if (!started) return started.error();
  std::optional<CopyOut> current(std::move(*started));
  for (;;) {
    std::optional<CopyOut> following;
    if (spare != nullptr && more()) {
      auto ahead_started = start_next(*spare);
      if (!ahead_started) {
        drop(current);
        return ahead_started.error();
      }
      following.emplace(std::move(*ahead_started));
    }
    Status read = current->read(on_row, following ? &*following : nullptr);
    if (!read.is_ok() || stopped || (!following && !more())) {
      drop(following);
      return read;
    }
    if (following) {
      current = std::move(following);
      std::swap(on, spare);
      continue;
    }
    started = start_next(*on);
    if (!started) return started.error();
    current.emplace(std::move(*started));
  }
}

Result<std::uint64_t> snapshot_xmin(Connection& conn) {
  Params none;
  auto r = conn.query("SELECT pg_snapshot_xmin(pg_current_snapshot())", none);
  if (!r) return r.error();
  return read_xid8(r->field(0, 0));
}

Result<std::pair<Position, bool>> read_all(Connection& conn, const ReadAllOptions& options,
                                           const EventVisitor& visitor) {
  using Out = std::pair<Position, bool>;
  // The horizon: rows below it are final, so one value bounds both the page and the end position.
  auto xmin = snapshot_xmin(conn);
  if (!xmin) return xmin.error();
  Position upper(*xmin, 0);
  if (options.until) {
    // The feed up to the first event recorded after `until` (recorded_at only roughly follows
    // positions on PostgreSQL, so this is a cut of the feed, not a filter).
    Params p;
    p.position(options.from).position(upper).timestamptz(*options.until);
    auto cut = conn.query(
        "SELECT xid, seq FROM events WHERE (xid, seq) > ($1, $2) AND (xid, seq) < ($3, $4) "
        "AND recorded_at > $5 ORDER BY xid, seq LIMIT 1",
        p);
    if (!cut) return cut.error();
    if (cut->rows() > 0) upper = position_at(*cut, 0, 0);
  }
  std::string sql = fmt::format(
      "SELECT {} FROM events WHERE (xid, seq) > ($1, $2) AND (xid, seq) < ($3, $4)", kEventColumns);
  Params p;
  p.position(options.from).position(upper);
  auto placeholders = [&](const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& v : values) {
      p.text(v);
      out += fmt::format("{}${}", out.empty() ? "" : ", ", p.size());
    }
    return out;
  };
  const EventFilter& f = options.filter;
  if (!f.types.empty()) sql += fmt::format(" AND type IN ({})", placeholders(f.types));
  if (!f.categories.empty()) {
    sql += fmt::format(" AND split_part(stream, '-', 1) IN ({})", placeholders(f.categories));
  }
  if (!f.stream_prefix.empty()) {
    p.text(f.stream_prefix);
    sql += fmt::format(" AND starts_with(stream, ${})", p.size());
  }
  if (f.tenant) {
    p.text(*f.tenant);
    sql += fmt::format(" AND tenant = ${}", p.size());
  }
  limit_plus_one(p, options.max_count);
  sql += fmt::format(" ORDER BY xid, seq LIMIT ${}", p.size());
  auto r = conn.query(sql, p);
  if (!r) return r.error();
  RecordedEvent event;
  Position last = options.from;
  const auto rows = static_cast<std::uint64_t>(r->rows());
  for (std::uint64_t i = 0; i < rows; ++i) {
    if (i == options.max_count) return Out{last, false};
    decode_event(result_row(*r, static_cast<int>(i)), event);
    last = event.position;
    if (!visitor(event)) return Out{last, false};
  }
  // The end: past everything below the bound, matching or not, so a checkpoint never rescans
  // what the filter dropped. Unfiltered, the last row read is that place already.
  if (f.empty() && rows > 0) return Out{last, true};
  auto end = last_below(conn, upper, options.from);
  if (!end) return end.error();
  return Out{*end, true};
}

Result<StreamInfo> stream_info(Connection& conn, std::string_view stream) {
  auto record = stream_record(conn, stream);
  if (!record) return record.error();
  return std::move(record->info);
}

Result<Position> head_position(Connection& conn) {
  Params none;
  auto r = conn.query(
      "SELECT xid, seq FROM events WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) "
      "ORDER BY xid DESC, seq DESC LIMIT 1",
      none);
  if (!r) return r.error();
  return r->rows() > 0 ? position_at(*r, 0, 0) : Position::start();
}

Result<std::vector<StreamInfo>> list_streams(Connection& conn, const ListStreamsOptions& options) {
  Params p;
  p.text(options.after).text(options.prefix);
  if (options.max_count >= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    p.null(Oid::kInt8);
  } else {
    p.int8(static_cast<std::int64_t>(options.max_count));
  }
  auto r = conn.query(fmt::format("SELECT {} FROM streams WHERE stream > $1 AND "
                                  "starts_with(stream, $2) ORDER BY stream LIMIT $3",
                                  kStreamColumns),
                      p);
  if (!r) return r.error();
  std::vector<StreamInfo> out;
  out.reserve(static_cast<std::size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) out.push_back(decode_stream(*r, i).info);
  return out;
}

Result<StoreStats> stats(Connection& conn) {
  Params none;
  auto r = conn.query(
      "SELECT (SELECT count(*) FROM events), count(*), "
      "coalesce(sum((NOT tombstoned AND truncate_before <= version)::int), 0), "
      "coalesce(sum((NOT tombstoned AND truncate_before > version)::int), 0), "
      "coalesce(sum(tombstoned::int), 0), "
      "(SELECT min(recorded_at) FROM events), (SELECT max(recorded_at) FROM events), "
      "pg_total_relation_size('events') + pg_total_relation_size('streams') FROM streams",
      none);
  if (!r) return r.error();
  StoreStats s;
  s.backend = "postgres";
  auto count = [&](int col) { return static_cast<std::uint64_t>(read_int8(r->field(0, col))); };
  s.events = count(0);
  s.streams = count(1);
  s.live_streams = count(2);
  s.deleted_streams = count(3);
  s.tombstoned_streams = count(4);
  if (!r->is_null(0, 5)) s.first_recorded_at = read_timestamptz(r->field(0, 5));
  if (!r->is_null(0, 6)) s.last_recorded_at = read_timestamptz(r->field(0, 6));
  s.storage_bytes = count(7);
  return s;
}

}  // namespace es::postgres
