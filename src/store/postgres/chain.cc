#include "store/postgres/chain.h"

#include <deque>
#include <functional>
#include <limits>
#include <string>

#include "store/chain_read_ahead.h"
#include "store/hash_chain.h"

namespace es::postgres {
namespace {

// Rows per page: bounds the memory of a scan of any size.
constexpr std::int64_t kPageRows = 10'000;

// The events columns the chain covers, in fields_of()'s order, then the stored hash and the
// position. Versions are unique per stream (events_stream_version_key), so (stream, version)
// orders the rows completely and pages on the index.
constexpr std::string_view kChainColumns =
    "stream, version, id, type, schema_version, data, metadata, tenant, recorded_at, hash, xid, "
    "seq";
constexpr int kHashColumn = 9;
constexpr int kXidColumn = 10;

detail::ChainFields fields_of(const PgResult& r, int row) {
  return {.stream = r.field(row, 0),
          .version = read_int8(r.field(row, 1)),
          .id = read_uuid(r.field(row, 2)),
          .type = r.field(row, 3),
          .schema_version = read_int4(r.field(row, 4)),
          .data = r.field(row, 5),
          .metadata = r.field(row, 6),
          .tenant = r.field(row, 7),
          .recorded_at_us = to_unix_micros(read_timestamptz(r.field(row, 8)))};
}

// The SQL of a page of events: $1 is the page size; $2 the stream, if one; then the (stream,
// version) or version the page starts after.
std::string page_sql(bool one_stream) {
  return "SELECT " + std::string(kChainColumns) + " FROM events WHERE " +
         (one_stream ? "stream = $2 AND version > $3" : "(stream, version) > ($2, $3)") +
         R"( ORDER BY stream COLLATE "C", version LIMIT $1)";
}

// Calls `page` with each page of the events of `stream` (every stream when empty), in order.
Status for_each_page(Connection& conn, std::string_view stream,
                     const std::function<Status(const PgResult&)>& page) {
  static const std::string kAll = page_sql(false);
  static const std::string kOne = page_sql(true);
  // Versions are positive, so the empty name at the lowest version starts before every row.
  std::string after_stream(stream);
  std::int64_t after_version = std::numeric_limits<std::int64_t>::min();
  for (;;) {
    Params p;
    p.int8(kPageRows).text(after_stream).int8(after_version);
    auto rows = conn.query(stream.empty() ? kAll : kOne, p);
    if (!rows) return rows.error();
    if (rows->rows() == 0) return Status::ok();
    ES_RETURN_IF_ERROR(page(*rows));
    if (rows->rows() < kPageRows) return Status::ok();
    const int last = rows->rows() - 1;
    after_stream = std::string(rows->field(last, 0));
    after_version = read_int8(rows->field(last, 1));
  }
}

Status scan_rows(Connection& conn, std::string_view stream, detail::ChainFeed& feed) {
  static const std::string kAllHeads =
      R"(SELECT stream, version, last_hash FROM streams ORDER BY stream COLLATE "C")";
  static const std::string kOneHead =
      "SELECT stream, version, last_hash FROM streams WHERE stream = $1";
  Params p;
  if (!stream.empty()) p.text(stream);
  auto heads = conn.query(stream.empty() ? kAllHeads : kOneHead, p);
  if (!heads) return heads.error();
  int head = 0;
  ES_RETURN_IF_ERROR(for_each_page(conn, stream, [&](const PgResult& events) {
    for (int e = 0; e < events.rows(); ++e) {
      // A stream's row goes before its events.
      for (; head < heads->rows() && heads->field(head, 0) <= events.field(e, 0); ++head) {
        feed.head(heads->field(head, 0), read_int8(heads->field(head, 1)), heads->field(head, 2));
      }
      feed.event(fields_of(events, e), events.field(e, kHashColumn));
    }
    return Status::ok();
  }));
  for (; head < heads->rows(); ++head) {
    feed.head(heads->field(head, 0), read_int8(heads->field(head, 1)), heads->field(head, 2));
  }
  return Status::ok();
}

}  // namespace

Status scan_chain(Connection& conn, std::string_view stream, detail::ChainScan& scan) {
  return detail::scan_with_read_ahead(scan, [&](detail::ChainFeed& feed) {
    ES_RETURN_IF_ERROR(conn.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Status status = scan_rows(conn, stream, feed);
    (void)conn.exec(status.is_ok() ? "COMMIT" : "ROLLBACK");
    return status;
  });
}

Status backfill_chain(Connection& conn) {
  static const std::string kSetHash = "UPDATE events SET hash = $1 WHERE xid = $2 AND seq = $3";
  // Only a head that counts exactly the stored events gets a hash; verify reports the others.
  static const std::string kSetHead =
      "UPDATE streams SET last_hash = $1 WHERE stream = $2 AND version = $3";
  std::string stream;
  std::int64_t version = 0;
  detail::ChainHash previous = detail::kChainStart;
  // Each page's updates go out in one pipeline; the values they reference live until it ran.
  std::deque<Params> params;
  std::deque<detail::ChainHash> hashes;
  std::deque<std::string> names;
  auto add_head = [&](Pipeline& pipeline) -> Status {
    if (stream.empty()) return Status::ok();
    const std::string& name = names.emplace_back(stream);
    const std::string_view hash = detail::as_bytes(hashes.emplace_back(previous));
    return pipeline.add(kSetHead, params.emplace_back().bytea(hash).text(name).int8(version));
  };
  ES_RETURN_IF_ERROR(for_each_page(conn, {}, [&](const PgResult& events) {
    Pipeline pipeline(conn);
    for (int e = 0; e < events.rows(); ++e) {
      const detail::ChainFields fields = fields_of(events, e);
      if (fields.stream != stream) {
        ES_RETURN_IF_ERROR(add_head(pipeline));
        stream = std::string(fields.stream);
        previous = detail::kChainStart;
      }
      previous = detail::chain_hash(previous, fields);
      version = fields.version;
      Params& p = params.emplace_back();
      p.bytea(detail::as_bytes(hashes.emplace_back(previous)));
      p.xid8(read_xid8(events.field(e, kXidColumn)))
          .int8(read_int8(events.field(e, kXidColumn + 1)));
      ES_RETURN_IF_ERROR(pipeline.add(kSetHash, p));
    }
    auto done = pipeline.run();
    params.clear();
    hashes.clear();
    names.clear();
    return done ? Status::ok() : done.error();
  }));
  Pipeline last(conn);
  ES_RETURN_IF_ERROR(add_head(last));
  auto done = last.run();
  return done ? Status::ok() : done.error();
}

}  // namespace es::postgres
