// The raw-engine baseline of the postgres backend (baseline.h): libpq writing and reading the same
// rows in the same transactions as src/store/postgres/ does, in a schema of its own
// (es_bench_baseline) in the benchmarked database.
//
// The tables are the library's (its migration creates them, untimed, so the two cannot drift);
// every timed statement is plain libpq: prepared statements, one round trip each (BEGIN, SELECT
// ... FOR UPDATE, a multi-row INSERT, the stream UPSERT, COMMIT), binary results for the reads,
// and for W3 also a binary COPY of the same SELECT.
// One write connection and one read connection.
//
// Thread safety: none; one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "baseline.h"

struct pg_conn;

namespace es::bench {

class PostgresBaseline final : public Baseline {
 public:
  // Creates the schema afresh in the database at `conninfo`. A schema of that name is dropped
  // only if an earlier baseline made it; any other is refused with kInvalidArgument.
  static Result<std::unique_ptr<PostgresBaseline>> create(const std::string& conninfo);
  PostgresBaseline(const PostgresBaseline&) = delete;
  PostgresBaseline& operator=(const PostgresBaseline&) = delete;
  // Drops the schema.
  ~PostgresBaseline() override;

  Result<std::int64_t> append(std::string_view stream, std::int64_t expected,
                              std::span<const EventData> events) override;
  Status scan_stream(std::string_view stream, const RowVisitor& visit) override;
  Status scan_stream_payload(std::string_view stream, const RowVisitor& visit) override;
  // COPY (the payload SELECT) TO STDOUT (FORMAT binary), each row decoded from its CopyData
  // message in place.
  Result<bool> stream_payload(std::string_view stream, const RowVisitor& visit) override;
  Result<Scan> scan_all(int page) override;
  Result<Projected> project_all(int page) override;
  Result<std::int64_t> event_count() override;
  Result<std::int64_t> stream_version(std::string_view stream) override;
  [[nodiscard]] std::string durability() const override { return durability_; }

 private:
  struct Finish {
    void operator()(pg_conn* conn) const;
  };
  using Conn = std::unique_ptr<pg_conn, Finish>;

  PostgresBaseline() = default;
  Status connect(const std::string& conninfo);
  Status scan(const std::string& statement, std::string_view stream, int version_col, int data_col,
              const RowVisitor& visit);

  Conn writer_, reader_;
  std::string durability_;
  std::unordered_map<std::size_t, std::string> inserts_;  // prepared INSERT by row count
  std::uint64_t touched_ = 0;  // column lengths summed by the scans, so no read is optimised away
};

}  // namespace es::bench
