#include "store/sqlite/chain.h"

#include <algorithm>
#include <string>

#include "store/chain_read_ahead.h"
#include "store/hash_chain.h"

namespace es::sqlite {
namespace {

// The events columns the chain covers, in chain_fields_of()'s order, then the stored hash.
constexpr std::string_view kChainColumns =
    "stream, version, id, type, schema_version, data, metadata, tenant, recorded_at, hash, "
    "position";
constexpr int kHashColumn = 9;
constexpr int kPositionColumn = 10;

detail::ChainFields chain_fields_of(const Statement& row) {
  Uuid::Bytes id{};
  const std::string_view id_blob = row.column_blob(2);
  std::copy_n(id_blob.begin(), std::min(id_blob.size(), id.size()), id.begin());
  return {.stream = row.column_text(0),
          .version = row.column_int(1),
          .id = Uuid(id),
          .type = row.column_text(3),
          .schema_version = static_cast<std::int32_t>(row.column_int(4)),
          .data = row.column_blob(5),
          .metadata = row.column_text(6),
          .tenant = row.column_text(7),
          .recorded_at_us = row.column_int(8)};
}

// The events of `stream` (every stream when empty) in (stream, version, position) order: the
// events_stream_version index, which ends in the rowid.
Result<Statement> select_events(Connection& conn, std::string_view stream) {
  const std::string sql = "SELECT " + std::string(kChainColumns) + " FROM events" +
                          (stream.empty() ? "" : " WHERE stream = ?1") +
                          " ORDER BY stream, version, position";
  auto stmt = conn.prepare(sql);
  if (stmt && !stream.empty()) stmt->bind(1, stream);
  return stmt;
}

Status scan_rows(Connection& conn, std::string_view stream, detail::ChainFeed& scan) {
  auto heads = conn.prepare(std::string("SELECT stream, version, last_hash FROM streams") +
                            (stream.empty() ? "" : " WHERE stream = ?1") + " ORDER BY stream");
  if (!heads) return heads.error();
  if (!stream.empty()) heads->bind(1, stream);
  auto events = select_events(conn, stream);
  if (!events) return events.error();
  int head_rc = heads->step();
  int event_rc = events->step();
  // An event row's columns are read once, as the row is reached.
  detail::ChainFields fields;
  if (event_rc == SQLITE_ROW) fields = chain_fields_of(*events);
  while (head_rc == SQLITE_ROW || event_rc == SQLITE_ROW) {
    // A stream's row goes before its events.
    if (head_rc == SQLITE_ROW &&
        (event_rc != SQLITE_ROW || heads->column_text(0) <= fields.stream)) {
      scan.head(heads->column_text(0), heads->column_int(1), heads->column_blob(2));
      head_rc = heads->step();
    } else {
      scan.event(fields, events->column_blob(kHashColumn));
      event_rc = events->step();
      if (event_rc == SQLITE_ROW) fields = chain_fields_of(*events);
    }
  }
  if (head_rc != SQLITE_DONE) return error_status(conn.get(), head_rc, "read streams to verify");
  if (event_rc != SQLITE_DONE) return error_status(conn.get(), event_rc, "read events to verify");
  return Status::ok();
}

}  // namespace

Status scan_chain(Connection& conn, std::string_view stream, detail::ChainScan& scan) {
  return detail::scan_with_read_ahead(scan, [&](detail::ChainFeed& feed) {
    ES_RETURN_IF_ERROR(conn.exec("BEGIN"));
    const RollbackGuard guard(conn.get());
    Status status = scan_rows(conn, stream, feed);
    (void)conn.exec("COMMIT");
    return status;
  });
}

Status backfill_chain(Connection& conn) {
  auto events = select_events(conn, {});
  if (!events) return events.error();
  auto set_hash = conn.prepare("UPDATE events SET hash = ?1 WHERE position = ?2");
  if (!set_hash) return set_hash.error();
  // Only a head that counts exactly the stored events gets a hash; verify reports the others.
  auto set_head =
      conn.prepare("UPDATE streams SET last_hash = ?1 WHERE stream = ?2 AND version = ?3");
  if (!set_head) return set_head.error();

  std::string stream;
  std::int64_t version = 0;
  detail::ChainHash previous = detail::kChainStart;
  auto store_head = [&]() -> Status {
    if (stream.empty()) return Status::ok();
    const std::string_view hash = detail::as_bytes(previous);
    set_head->bind_blob(1, hash.data(), hash.size());
    set_head->bind(2, stream);
    set_head->bind(3, version);
    return set_head->run("store a stream's head hash");
  };
  int rc = SQLITE_OK;
  while ((rc = events->step()) == SQLITE_ROW) {
    const detail::ChainFields fields = chain_fields_of(*events);
    if (fields.stream != stream) {
      ES_RETURN_IF_ERROR(store_head());
      stream = std::string(fields.stream);
      previous = detail::kChainStart;
    }
    previous = detail::chain_hash(previous, fields);
    version = fields.version;
    const std::string_view hash = detail::as_bytes(previous);
    set_hash->bind_blob(1, hash.data(), hash.size());
    set_hash->bind(2, events->column_int(kPositionColumn));
    ES_RETURN_IF_ERROR(set_hash->run("store an event's hash"));
  }
  if (rc != SQLITE_DONE) return error_status(conn.get(), rc, "read events to hash");
  return store_head();
}

}  // namespace es::sqlite
