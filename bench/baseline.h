// The raw-engine baseline of a backend: the engine's own C API (SQLite, libpq) writing and reading
// the same rows in the same transactions as the library's backend does, without the library, in
// tables of its own. Each workload's figure is reported next to it (BENCHMARKS.md: "the raw engine
// doing the same rows and transactions without the library, in the same process, same run").
//
// Thread safety: none; one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "es/core/result.h"
#include "es/store/event.h"

namespace es::bench {

class Baseline {
 public:
  virtual ~Baseline() = default;

  // One append as the library's writer runs it for a lone caller: begin; read the stream row;
  // insert the events; upsert the stream row; commit. kConflict (and a rollback) when the
  // stream's version is not `expected`. Returns the stream's new version.
  virtual Result<std::int64_t> append(std::string_view stream, std::int64_t expected,
                                      std::span<const EventData> events) = 0;

  // W3: one SELECT of a stream's rows (the library's columns) in version order, touching every
  // column as W4 does; `visit` gets each row's version and data.
  using RowVisitor = std::function<void(std::int64_t version, std::string_view data)>;
  virtual Status scan_stream(std::string_view stream, const RowVisitor& visit) = 0;
  // W3's fold: the same SELECT of only the columns a fold needs (version, type, schema_version,
  // data), as the library reads them for Repository::load.
  virtual Status scan_stream_payload(std::string_view stream, const RowVisitor& visit) = 0;
  // scan_stream_payload's rows through the engine's streaming read, where it has one
  // (PostgreSQL: a binary COPY of the same SELECT); false, having read nothing, where it has not.
  virtual Result<bool> stream_payload(std::string_view /*stream*/, const RowVisitor& /*visit*/) {
    return false;
  }

  // W4: every row in position order, `page` rows per SELECT after the last, touching every
  // column without copying.
  struct Scan {
    std::uint64_t count = 0;
    bool ordered = true;
    std::uint64_t bytes = 0;  // sum of the column lengths, so the reads are not optimised away
  };
  virtual Result<Scan> scan_all(int page) = 0;

  // W6: a catch-up projection of every row, as the library's exactly-once runner does it.
  struct Projected {
    std::uint64_t events = 0;  // rows read
    std::int64_t count = 0;    // sum(count) of the read model afterwards
  };
  virtual Result<Projected> project_all(int page) = 0;

  // For verification: rows in the events table; the version in a stream's row (0 when absent).
  virtual Result<std::int64_t> event_count() = 0;
  virtual Result<std::int64_t> stream_version(std::string_view stream) = 0;

  // The durability settings the figures were taken under, e.g. "synchronous=FULL".
  [[nodiscard]] virtual std::string durability() const = 0;
};

}  // namespace es::bench
