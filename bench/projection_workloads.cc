// W6: a projection catching up on the whole store into a read model in the store's own SQLite
// file or PostgreSQL schema, exactly-once, from position 0; the read model is checked against
// sums folded from the store, and a raw C-API baseline (SQLite) does the same reads and updates.
#include <fmt/format.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "es/domain/json_codec.h"
#include "es/projection/runner.h"
#include "es/store/open.h"
#include "families.h"
#include "sqlite_baseline.h"

namespace es::bench {
namespace {

constexpr std::uint64_t kW6Events = 1'000'000;
constexpr std::uint64_t kW6Streams = 1'000;
constexpr std::uint64_t kPage = 1'000;
// A second rebuild with 10x fewer transactions (and fsyncs), to show what the commits cost.
constexpr std::uint64_t kLargePage = 10'000;

// Per stream: how many ItemAdded events and the sum of their qty.
struct ItemSums {
  std::int64_t rows = 0;
  std::int64_t count = 0;
  std::int64_t qty = 0;
  bool operator==(const ItemSums&) const = default;
};

// The same SQL on SQLite and PostgreSQL, but for SQLite's WITHOUT ROWID.
Projection<Tx> item_totals(bool sqlite) {
  Projection<Tx> p("bench-w6-items");
  p.on_start([sqlite](Tx& tx) {
    return tx.exec(std::string("CREATE TABLE IF NOT EXISTS w6_items (stream TEXT PRIMARY KEY, "
                               "count BIGINT NOT NULL, qty BIGINT NOT NULL)") +
                   (sqlite ? " WITHOUT ROWID" : ""));
  });
  p.on_clear([](Tx& tx) { return tx.exec("DELETE FROM w6_items"); });
  p.on<ItemAdded>([](const Envelope<ItemAdded>& e, Tx& tx) {
    return tx.exec(
        "INSERT INTO w6_items (stream, count, qty) VALUES (?1, 1, ?2) ON CONFLICT (stream) DO "
        "UPDATE SET count = w6_items.count + 1, qty = w6_items.qty + excluded.qty",
        e.recorded.stream, e.event.qty);
  });
  return p;
}

// Tops the store (and the baseline) up to `target` events, in appends of kPage to kW6Streams
// streams; not timed.
Status top_up(RunContext& ctx, std::uint64_t target) {
  std::vector<std::int64_t> versions(kW6Streams, 0);
  for (std::uint64_t k = 0; ctx.written < target; ++k) {
    const std::uint64_t s = k % kW6Streams;
    const std::string name = fmt::format("w6-{:03}", s);
    const auto seq0 = static_cast<std::uint64_t>(versions[s]);
    std::vector<EventData> batch;
    for (std::uint64_t j = 0; j < std::min(kPage, target - ctx.written); ++j) {
      batch.push_back(item_event(name, seq0 + j));
    }
    auto appended = ctx.store.append(name, ExpectedVersion::any(), batch);
    if (!appended) return appended.error();
    ctx.written += batch.size();
    if (ctx.baseline != nullptr) {
      auto raw = ctx.baseline->append(name, versions[s], batch);
      if (!raw) return raw.error();
      ctx.baseline_written += batch.size();
    }
    versions[s] += static_cast<std::int64_t>(batch.size());
  }
  return Status::ok();
}

// The sums folded straight from the store, not timed.
Result<ItemSums> expected_sums(EventStore& store) {
  std::map<std::string, bool, std::less<>> streams;
  ItemSums sums;
  ItemAdded item;
  Status decoded;
  ES_RETURN_IF_ERROR(store.visit_all({}, [&](const RecordedEvent& e) {
    if (e.type != event_type_of<ItemAdded>().name) return true;
    decoded = json_decode(e.data, item);
    if (!decoded.is_ok()) return false;
    streams[e.stream] = true;
    ++sums.count;
    sums.qty += item.qty;
    return true;
  }));
  ES_RETURN_IF_ERROR(decoded);
  sums.rows = static_cast<std::int64_t>(streams.size());
  return sums;
}

// What the read model table of the SQLite file at `path` holds.
Result<ItemSums> stored_sums(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  const std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close_v2);
  if (rc != SQLITE_OK) return Status::internal("cannot open " + path);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(raw, "SELECT count(*), sum(count), sum(qty) FROM w6_items", -1, &stmt,
                         nullptr) != SQLITE_OK) {
    return Status::internal(sqlite3_errmsg(raw));
  }
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  if (sqlite3_step(stmt) != SQLITE_ROW) return Status::internal(sqlite3_errmsg(raw));
  return ItemSums{sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1),
                  sqlite3_column_int64(stmt, 2)};
}

// What the read model table in the public schema of the PostgreSQL database at `url` holds.
Result<ItemSums> stored_sums_postgres(const std::string& url) {
  const std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url.c_str()), PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) return Status::unavailable(PQerrorMessage(conn.get()));
  const std::unique_ptr<PGresult, decltype(&PQclear)> r(
      PQexec(conn.get(), "SELECT count(*), sum(count), sum(qty) FROM public.w6_items"), PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    return Status::internal(PQerrorMessage(conn.get()));
  }
  const auto field = [&](int col) {
    return std::strtoll(PQgetvalue(r.get(), 0, col), nullptr, 10);
  };
  return ItemSums{field(0), field(1), field(2)};
}

// The exactly-once rebuild into the store's own database, and what it left there.
Status rebuild(RunContext& ctx, const Projection<Tx>& projection, std::uint64_t page) {
  if (ctx.backend == "postgres") {
    return rebuild_postgres_projection(ctx.store, ctx.url, projection, {.page_size = page});
  }
  return rebuild_sqlite_projection(ctx.store, ctx.path, projection, {.page_size = page});
}
Result<ItemSums> stored(const RunContext& ctx) {
  return ctx.backend == "postgres" ? stored_sums_postgres(ctx.url) : stored_sums(ctx.path);
}

nlohmann::ordered_json to_json(const ItemSums& s) {
  return {{"rows", s.rows}, {"count", s.count}, {"qty", s.qty}};
}

}  // namespace

Status run_w6(RunContext& ctx) {
  if (ctx.path.empty() && ctx.backend != "postgres") {
    ctx.out << nlohmann::ordered_json{{"workload", "W6"},
                                      {"backend", ctx.backend},
                                      {"skipped",
                                       "an exactly-once read model lives in the store's "
                                       "SQLite file or PostgreSQL schema; this backend has none"}}
                   .dump()
            << std::endl;
    return Status::ok();
  }
  ES_RETURN_IF_ERROR(top_up(ctx, scaled(ctx, kW6Events, kPage)));
  auto expected = expected_sums(ctx.store);
  if (!expected) return expected.error();

  const Projection<Tx> projection = item_totals(ctx.backend != "postgres");
  const Stopwatch watch;
  const Status rebuilt = rebuild(ctx, projection, kPage);
  const double seconds = watch.seconds();
  auto sums = stored(ctx);
  if (!sums) return sums.error();
  const Stopwatch large_watch;
  const Status large = rebuild(ctx, projection, kLargePage);
  const Figure large_figure{ctx.written, large_watch.seconds()};
  auto large_stored = stored(ctx);
  if (!large_stored) return large_stored.error();

  Report report{.workload = "W6", .figure = Figure{ctx.written, seconds}};
  report.verified =
      rebuilt.is_ok() && *sums == *expected && large.is_ok() && *large_stored == *expected;
  if (ctx.baseline != nullptr) {
    const Stopwatch raw_watch;
    auto raw = ctx.baseline->project_all(static_cast<int>(kPage));
    const double raw_seconds = raw_watch.seconds();
    if (!raw && raw.error().code() != StatusCode::kUnavailable) return raw.error();
    if (raw) {
      report.baseline = Figure{raw->events, raw_seconds};
      report.extra["baseline_verified"] = raw->events == ctx.baseline_written &&
                                          raw->count == static_cast<std::int64_t>(raw->events);
    } else {
      report.extra["baseline_missing"] = std::string(raw.error().message());
    }
  }
  report.extra["target_events_per_s"] = 500'000;
  report.extra["page"] = kPage;
  report.extra["page_10000_events_per_s"] = std::llround(large_figure.rate());
  report.extra["read_model"] = to_json(*sums);
  report.extra["expected"] = to_json(*expected);
  report.extra["how"] =
      ctx.backend == "postgres"
          ? "rebuild_postgres_projection from position 0: per page of 1,000 events one "
            "transaction holding an UPSERT per ItemAdded and the checkpoint"
          : "rebuild_sqlite_projection from position 0: per page of 1,000 events one transaction "
            "holding an UPSERT per ItemAdded and the checkpoint";
  if (!rebuilt.is_ok()) report.extra["error"] = rebuilt.to_string();
  print(ctx, report);
  return Status::ok();
}

}  // namespace es::bench
