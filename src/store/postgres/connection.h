// RAII over libpq: one connection (PGconn) with its cache of prepared statements, query results
// (PGresult) owned by unique_ptr, pipelines of several statements sent in one round trip, and the
// mapping of server errors to es::Status. Nothing here is thread-safe: a connection is used by one
// thread at a time (the pool and the writer see to it).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "es/core/result.h"
#include "store/postgres/wire.h"

struct pg_conn;
struct pg_result;

namespace es::postgres {

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result) : result_(result) {}

  [[nodiscard]] int rows() const;
  [[nodiscard]] bool is_null(int row, int col) const;
  // The raw (binary or text) bytes of a field; valid while this result lives.
  [[nodiscard]] std::string_view field(int row, int col) const;
  [[nodiscard]] pg_result* get() const { return result_.get(); }

 private:
  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

class Connection {
 public:
  // Connects and makes `schema` the search path; kUnavailable when the server cannot be reached.
  static Result<Connection> open(const std::string& conninfo, std::string_view schema);

  // Runs `sql` as a prepared statement (prepared on first use, keyed by its text) with binary
  // parameters and binary results.
  Result<PgResult> query(const std::string& sql, Params& params);
  // Runs parameterless SQL (several statements allowed) through the simple protocol.
  Status exec(const std::string& sql);
  // The name of the prepared statement for `sql`, preparing it with `params`' types if needed.
  Result<std::string> prepared(const std::string& sql, const Params& params);

  // Runs `settings` (parameterless SET statements) now and again after every reconnect.
  Status configure(std::string settings);
  // After the connection broke: reconnects and forgets the prepared statements. ok if healthy.
  Status ensure_healthy();
  // The identifier `name` quoted for SQL text (PQescapeIdentifier).
  [[nodiscard]] std::string quote_identifier(std::string_view name) const;

  [[nodiscard]] pg_conn* get() const { return conn_.get(); }

 private:
  struct Finish {
    void operator()(pg_conn* conn) const;
  };
  Connection(pg_conn* conn, std::string schema) : conn_(conn), schema_(std::move(schema)) {}
  // The session's encoding, time zone, configure()'s settings and search path.
  Status set_up_session();

  std::unique_ptr<pg_conn, Finish> conn_;
  std::string schema_;
  std::string settings_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

// Statements sent together and answered after one sync: one round trip for all of them. An
// error aborts the statements after it (the server skips to the sync); run() reports the first.
class Pipeline {
 public:
  explicit Pipeline(Connection& conn) : conn_(conn) {}

  // Queues `sql` with `params` (which must outlive run()).
  Status add(const std::string& sql, Params& params);
  // Queues parameterless SQL.
  Status add(const std::string& sql);
  // Statements queued so far: the index the next one's result will have.
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  // Sends everything and returns one result per statement, in order; or the first error.
  Result<std::vector<PgResult>> run();
  // Sends everything; `results` gets one result per statement, those after a failure included.
  // On error, `failed` is the index of the statement that failed (results.size() when none did,
  // e.g. the connection broke).
  Status run(std::vector<PgResult>& results, std::size_t& failed);

 private:
  struct Entry {
    std::string name;
    std::string what;  // the start of the SQL, for error messages
    Params* params;
  };
  Connection& conn_;
  std::vector<Entry> entries_;
  Params no_params_;
};

// The status for a failed result: kAlreadyExists/kConflict for unique violations (by constraint),
// kUnavailable for connection loss, overload and deadlocks, kInternal otherwise; the message
// names `what` and the server's words.
Status error_status(pg_conn* conn, const pg_result* result, std::string_view what);

// Unique constraints whose violation the writer turns into a DESIGN §4 outcome.
inline constexpr std::string_view kEventIdConstraint = "events_id_key";
inline constexpr std::string_view kStreamVersionConstraint = "events_stream_version_key";

}  // namespace es::postgres
