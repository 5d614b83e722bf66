#include "postgres_baseline.h"

#include <endian.h>
#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "es/core/uuid.h"
#include "es/domain/json_codec.h"
#include "es/store/postgres_store.h"
#include "item_cart.h"

namespace es::bench {
namespace {

constexpr std::string_view kSchema = "es_bench_baseline";
constexpr std::string_view kEventColumns =
    "xid, seq, id, stream, version, type, schema_version, data, metadata, tenant, recorded_at";

using Res = std::unique_ptr<PGresult, decltype(&PQclear)>;

Status fail(pg_conn* conn, const PGresult* r, std::string_view what) {
  const char* message = r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn);
  return Status::internal(fmt::format("baseline postgres: {}: {}", what, message));
}

bool succeeded(const PGresult* r) {
  const ExecStatusType s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

// Runs parameterless SQL; the result when it succeeded.
Result<Res> exec(pg_conn* conn, const std::string& sql) {
  Res r(PQexec(conn, sql.c_str()), PQclear);
  if (!succeeded(r.get())) return fail(conn, r.get(), sql.substr(0, 60));
  return r;
}

Status prepare(pg_conn* conn, const std::string& name, const std::string& sql) {
  Res r(PQprepare(conn, name.c_str(), sql.c_str(), 0, nullptr), PQclear);
  return succeeded(r.get()) ? Status::ok() : fail(conn, r.get(), "prepare " + name);
}

// Runs a prepared statement with text parameters (`binary[i]` marks the raw ones); binary results.
Result<Res> run(pg_conn* conn, const std::string& name, const std::vector<std::string>& params,
                const std::vector<int>& binary = {}) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (const std::string& p : params) {
    values.push_back(p.data());
    lengths.push_back(static_cast<int>(p.size()));
  }
  Res r(PQexecPrepared(conn, name.c_str(), static_cast<int>(params.size()), values.data(),
                       lengths.data(), binary.empty() ? nullptr : binary.data(), 1),
        PQclear);
  if (!succeeded(r.get())) return fail(conn, r.get(), name);
  return r;
}

std::int64_t int8_at(const PGresult* r, int row, int col) {
  std::uint64_t v = 0;
  std::memcpy(&v, PQgetvalue(r, row, col), sizeof v);
  return static_cast<std::int64_t>(be64toh(v));
}

// Every column of a row of kEventColumns, as the library's decoder reads them, without copying.
std::uint64_t touched_columns(const PGresult* r, int row) {
  std::uint64_t bytes = 0;
  for (int col = 0; col < 11; ++col) bytes += static_cast<std::uint64_t>(PQgetlength(r, row, col));
  return bytes + static_cast<std::uint64_t>(int8_at(r, row, 4) & 1);
}

}  // namespace

void PostgresBaseline::Finish::operator()(pg_conn* conn) const { PQfinish(conn); }

Status PostgresBaseline::connect(const std::string& conninfo) {
  for (Conn* conn : {&writer_, &reader_}) {
    conn->reset(PQconnectdb(conninfo.c_str()));
    if (PQstatus(conn->get()) != CONNECTION_OK) return fail(conn->get(), nullptr, "connect");
    PQsetNoticeProcessor(
        conn->get(), [](void*, const char*) {}, nullptr);
    auto path = exec(conn->get(), fmt::format("SET search_path = {}", kSchema));
    if (!path) return path.error();
  }
  // As the library's read connections (store/postgres/pool.cc), so both read with the same plan:
  // an ordered index scan, not a scan of the table and a sort.
  auto sorts = exec(reader_.get(), "SET enable_sort = off");
  return sorts ? Status::ok() : sorts.error();
}

Result<std::unique_ptr<PostgresBaseline>> PostgresBaseline::create(const std::string& conninfo) {
  std::unique_ptr<PostgresBaseline> b(new PostgresBaseline());
  b->writer_.reset(PQconnectdb(conninfo.c_str()));
  pg_conn* conn = b->writer_.get();
  if (PQstatus(conn) != CONNECTION_OK) return fail(conn, nullptr, "connect");
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  auto existing = exec(conn, fmt::format("SELECT (SELECT count(*) FROM pg_namespace WHERE nspname "
                                         "= '{0}'), to_regclass('{0}.baseline_marker') IS NULL",
                                         kSchema));
  if (!existing) return existing.error();
  const bool exists = std::string_view(PQgetvalue(existing->get(), 0, 0)) != "0";
  const bool unmarked = std::string_view(PQgetvalue(existing->get(), 0, 1)) == "t";
  if (exists && unmarked) {
    return Status::invalid_argument(fmt::format(
        "the baseline schema '{}' exists and was not made by a benchmark run: drop it or "
        "benchmark another database",
        kSchema));
  }
  auto dropped = exec(conn, fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", kSchema));
  if (!dropped) return dropped.error();
  {
    // The library's migration makes the tables, so the baseline writes into the very same ones.
    PostgresOptions options;
    options.schema = std::string(kSchema);
    auto store = open_postgres(conninfo, options);
    if (!store) return store.error();
  }
  auto marked = exec(conn, fmt::format("CREATE TABLE {}.baseline_marker ()", kSchema));
  if (!marked) return marked.error();
  ES_RETURN_IF_ERROR(b->connect(conninfo));
  auto settings = exec(b->writer_.get(),
                       "SELECT current_setting('fsync'), "
                       "current_setting('synchronous_commit')");
  if (!settings) return settings.error();
  b->durability_ = fmt::format("fsync={} synchronous_commit={}", PQgetvalue(settings->get(), 0, 0),
                               PQgetvalue(settings->get(), 0, 1));
  pg_conn* w = b->writer_.get();
  pg_conn* r = b->reader_.get();
  ES_RETURN_IF_ERROR(prepare(w, "begin", "BEGIN"));
  ES_RETURN_IF_ERROR(prepare(w, "commit", "COMMIT"));
  ES_RETURN_IF_ERROR(prepare(w, "select_stream",
                             "SELECT version, tenant FROM streams WHERE stream = $1 FOR UPDATE"));
  ES_RETURN_IF_ERROR(prepare(w, "upsert_stream",
                             "INSERT INTO streams (stream, version, tenant, created_at, "
                             "updated_at) VALUES ($1, $2, $3, now(), now()) ON CONFLICT (stream) "
                             "DO UPDATE SET version = excluded.version, updated_at = now()"));
  ES_RETURN_IF_ERROR(prepare(w, "count", "SELECT count(*) FROM events"));
  ES_RETURN_IF_ERROR(prepare(w, "version", "SELECT version FROM streams WHERE stream = $1"));
  ES_RETURN_IF_ERROR(prepare(
      r, "read_stream",
      fmt::format("SELECT {} FROM events WHERE stream = $1 ORDER BY version", kEventColumns)));
  ES_RETURN_IF_ERROR(prepare(r, "read_stream_payload",
                             "SELECT version, type, schema_version, data FROM events WHERE "
                             "stream = $1 ORDER BY version"));
  ES_RETURN_IF_ERROR(prepare(r, "read_all",
                             fmt::format("SELECT {} FROM events WHERE (xid, seq) > ($1, $2) "
                                         "ORDER BY xid, seq LIMIT $3",
                                         kEventColumns)));
  return b;
}

PostgresBaseline::~PostgresBaseline() {
  if (writer_) (void)exec(writer_.get(), fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", kSchema));
}

Result<std::int64_t> PostgresBaseline::append(std::string_view stream, std::int64_t expected,
                                              std::span<const EventData> events) {
  pg_conn* w = writer_.get();
  auto rollback = [&](Status status) {
    (void)exec(w, "ROLLBACK");
    return status;
  };
  auto begun = run(w, "begin", {});
  if (!begun) return begun.error();
  const std::string name(stream);
  auto row = run(w, "select_stream", {name});
  if (!row) return rollback(row.error());
  std::int64_t version = 0;
  std::string tenant;
  if (PQntuples(row->get()) > 0) {
    version = int8_at(row->get(), 0, 0);
    tenant = PQgetvalue(row->get(), 0, 1);
  }
  if (version != expected) {
    return rollback(Status::conflict({name, std::to_string(expected), version}));
  }
  std::string& insert = inserts_[events.size()];
  if (insert.empty()) {
    const std::string statement = fmt::format("insert{}", events.size());
    std::string sql =
        "INSERT INTO events (stream, tenant, recorded_at, id, version, type, schema_version, data, "
        "metadata) VALUES ";
    for (std::size_t i = 0; i < events.size(); ++i) {
      const std::size_t p = 3 + i * 6;
      sql += fmt::format("{}($1, $2, now(), ${}, ${}, ${}, ${}, ${}, ${})", i ? ", " : "", p, p + 1,
                         p + 2, p + 3, p + 4, p + 5);
    }
    const Status prepared = prepare(w, statement, sql);
    if (!prepared.is_ok()) return rollback(prepared);
    insert = statement;
  }
  std::vector<std::string> params{name, tenant};
  std::vector<int> binary{0, 0};
  for (const EventData& event : events) {
    for (std::string value : {Uuid::v7().to_string(), std::to_string(++version), event.type,
                              std::to_string(event.schema_version), event.data, event.metadata}) {
      params.push_back(std::move(value));
    }
    for (int format : {0, 0, 0, 0, 1, 0}) binary.push_back(format);
  }
  auto inserted = run(w, insert, params, binary);
  if (!inserted) return rollback(inserted.error());
  auto upserted = run(w, "upsert_stream", {name, std::to_string(version), tenant});
  if (!upserted) return rollback(upserted.error());
  auto committed = run(w, "commit", {});
  if (!committed) return rollback(committed.error());
  return version;
}

Status PostgresBaseline::scan(const std::string& statement, std::string_view stream,
                              int version_col, int data_col, const RowVisitor& visit) {
  auto rows = run(reader_.get(), statement, {std::string(stream)});
  if (!rows) return rows.error();
  const PGresult* r = rows->get();
  const bool all_columns = PQnfields(r) == 11;
  for (int i = 0; i < PQntuples(r); ++i) {
    touched_ += all_columns
                    ? touched_columns(r, i)
                    : static_cast<std::uint64_t>(PQgetlength(r, i, 1) + PQgetlength(r, i, 2));
    visit(int8_at(r, i, version_col),
          std::string_view(PQgetvalue(r, i, data_col),
                           static_cast<std::size_t>(PQgetlength(r, i, data_col))));
  }
  return Status::ok();
}

Status PostgresBaseline::scan_stream(std::string_view stream, const RowVisitor& visit) {
  return scan("read_stream", stream, 4, 7, visit);
}

Status PostgresBaseline::scan_stream_payload(std::string_view stream, const RowVisitor& visit) {
  return scan("read_stream_payload", stream, 0, 3, visit);
}

Result<bool> PostgresBaseline::stream_payload(std::string_view stream, const RowVisitor& visit) {
  pg_conn* conn = reader_.get();
  char* quoted = PQescapeLiteral(conn, stream.data(), stream.size());
  if (quoted == nullptr) return fail(conn, nullptr, "quote");
  const std::string sql = fmt::format(
      "COPY (SELECT version, type, schema_version, data FROM events WHERE stream = {} ORDER BY "
      "version) TO STDOUT (FORMAT binary)",
      quoted);
  PQfreemem(quoted);
  if (PQsendQuery(conn, sql.c_str()) != 1) return fail(conn, nullptr, "copy");
  Res started(PQgetResult(conn), PQclear);
  if (PQresultStatus(started.get()) != PGRES_COPY_OUT) return fail(conn, started.get(), "copy");
  // The server sends one row per message, the 19-byte header before the first and a trailer
  // (field count -1) in the last: [int16 count] then per field [int32 length][bytes].
  const auto be32 = [](const char* p) {
    std::uint32_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return be32toh(v);
  };
  bool header = true;
  for (;;) {
    char* raw = nullptr;
    const int size = PQgetCopyData(conn, &raw, 0);
    if (size < 0) break;
    const char* p = raw + (header ? 19 : 0);
    header = false;
    std::uint16_t count = 0;
    std::memcpy(&count, p, sizeof count);
    if (be16toh(count) == 4) {
      p += 2;
      std::uint64_t version = 0;
      std::memcpy(&version, p + 4, sizeof version);
      p += 4 + be32(p);
      const std::uint32_t type_size = be32(p);
      p += 4 + type_size;
      const std::uint32_t schema_size = be32(p);
      p += 4 + schema_size;
      touched_ += type_size + schema_size;
      visit(static_cast<std::int64_t>(be64toh(version)), std::string_view(p + 4, be32(p)));
    }
    PQfreemem(raw);
  }
  bool ok = true;
  while (PGresult* r = PQgetResult(conn)) {
    ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
  }
  if (!ok) return fail(conn, nullptr, "copy");
  return true;
}

Result<Baseline::Scan> PostgresBaseline::scan_all(int page) {
  Scan scan;
  std::string xid = "0", seq = "0";
  std::pair<std::int64_t, std::int64_t> last{0, 0};
  for (;;) {
    auto rows = run(reader_.get(), "read_all", {xid, seq, std::to_string(page)});
    if (!rows) return rows.error();
    const PGresult* r = rows->get();
    const int n = PQntuples(r);
    for (int i = 0; i < n; ++i) {
      const std::pair<std::int64_t, std::int64_t> position{int8_at(r, i, 0), int8_at(r, i, 1)};
      scan.ordered = scan.ordered && position > last;
      last = position;
      scan.bytes += touched_columns(r, i);
    }
    scan.count += static_cast<std::uint64_t>(n);
    if (n < page) return scan;
    xid = std::to_string(last.first);
    seq = std::to_string(last.second);
  }
}

Result<Baseline::Projected> PostgresBaseline::project_all(int page) {
  pg_conn* w = writer_.get();
  const auto run_ok = [w](const std::string& name, const std::vector<std::string>& params) {
    auto r = run(w, name, params);
    return r ? Status::ok() : r.error();
  };
  for (const char* ddl :
       {"CREATE TABLE IF NOT EXISTS w6_items (stream TEXT PRIMARY KEY, count BIGINT NOT NULL, "
        "qty BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS w6_checkpoint (name TEXT PRIMARY KEY, xid BIGINT, seq BIGINT)",
        "DELETE FROM w6_items", "DELETE FROM w6_checkpoint",
        "INSERT INTO w6_checkpoint VALUES ('w6', 0, 0)"}) {
    auto done = exec(w, ddl);
    if (!done) return done.error();
  }
  ES_RETURN_IF_ERROR(prepare(w, "w6_upsert",
                             "INSERT INTO w6_items (stream, count, qty) VALUES ($1, 1, $2) ON "
                             "CONFLICT (stream) DO UPDATE SET count = w6_items.count + 1, qty = "
                             "w6_items.qty + excluded.qty"));
  ES_RETURN_IF_ERROR(
      prepare(w, "w6_save", "UPDATE w6_checkpoint SET xid = $1, seq = $2 WHERE name = 'w6'"));
  // As the library does: a page read on the read connection, then one write transaction per
  // page holding a statement (one round trip) per ItemAdded and the checkpoint.
  Projected out;
  std::string xid = "0", seq = "0";
  ItemAdded item;
  for (int n = page; n == page;) {
    auto rows = run(reader_.get(), "read_all", {xid, seq, std::to_string(page)});
    if (!rows) return rows.error();
    const PGresult* r = rows->get();
    n = PQntuples(r);
    if (n == 0) break;
    ES_RETURN_IF_ERROR(run_ok("begin", {}));
    for (int i = 0; i < n; ++i) {
      if (std::string_view(PQgetvalue(r, i, 5), static_cast<std::size_t>(PQgetlength(r, i, 5))) !=
          "ItemAdded") {
        continue;
      }
      ES_RETURN_IF_ERROR(
          json_decode({PQgetvalue(r, i, 7), static_cast<std::size_t>(PQgetlength(r, i, 7))}, item));
      ES_RETURN_IF_ERROR(
          run_ok("w6_upsert",
                 {std::string(PQgetvalue(r, i, 3), static_cast<std::size_t>(PQgetlength(r, i, 3))),
                  std::to_string(item.qty)}));
    }
    xid = std::to_string(int8_at(r, n - 1, 0));
    seq = std::to_string(int8_at(r, n - 1, 1));
    ES_RETURN_IF_ERROR(run_ok("w6_save", {xid, seq}));
    ES_RETURN_IF_ERROR(run_ok("commit", {}));
    out.events += static_cast<std::uint64_t>(n);
  }
  auto total = exec(w, "SELECT sum(count) FROM w6_items");
  if (!total) return total.error();
  out.count = std::strtoll(PQgetvalue(total->get(), 0, 0), nullptr, 10);
  return out;
}

Result<std::int64_t> PostgresBaseline::event_count() {
  auto r = run(writer_.get(), "count", {});
  if (!r) return r.error();
  return int8_at(r->get(), 0, 0);
}

Result<std::int64_t> PostgresBaseline::stream_version(std::string_view stream) {
  auto r = run(writer_.get(), "version", {std::string(stream)});
  if (!r) return r.error();
  return PQntuples(r->get()) > 0 ? int8_at(r->get(), 0, 0) : 0;
}

}  // namespace es::bench
