// The sqlite backend's read side: a pool of read-only connections, each with its own cache of
// prepared statements. Readers run in their own snapshot (WAL) and never block the writer.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "es/store/event_store.h"
#include "es/store/sqlite_store.h"
#include "store/append_rules.h"
#include "store/sqlite/connection.h"

namespace es::sqlite {

// A streams row: the decision fields and what stream_info reports.
struct StreamRecord {
  detail::StreamRow row;
  StreamInfo info;
};

// One read connection and its statement cache; used by one thread at a time.
class Reader {
 public:
  explicit Reader(Connection conn) : conn_(std::move(conn)) {}

  Result<std::pair<std::int64_t, bool>> read_stream(std::string_view stream,
                                                    const ReadStreamOptions& options,
                                                    const EventVisitor& visitor);
  Result<std::pair<Position, bool>> read_all(const ReadAllOptions& options,
                                             const EventVisitor& visitor);
  Result<StreamInfo> stream_info(std::string_view stream);
  Result<Position> head_position();
  Result<std::vector<StreamInfo>> list_streams(const ListStreamsOptions& options);
  Result<StoreStats> stats(const std::string& path);

 private:
  Result<StreamRecord> stream_record(std::string_view stream);
  // The cached statement for `sql`, reset and ready to bind.
  Result<Statement*> statement(const std::string& sql);
  // Runs `body` inside one read transaction, so several queries see one snapshot.
  template <typename Body>
  auto in_snapshot(Body&& body) -> decltype(body());

  Connection conn_;
  std::unordered_map<std::string, Statement> cache_;
  RecordedEvent event_;  // reused across rows so a scan does not allocate per event
};

class ReaderPool {
 public:
  ReaderPool(std::string path, SqliteOptions options) : path_(std::move(path)), options_(options) {}

  // A reader for the calling thread; returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<Reader> reader)
        : pool_(pool), reader_(std::move(reader)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.release(std::move(reader_)); }
    Reader* operator->() { return reader_.get(); }

   private:
    ReaderPool& pool_;
    std::unique_ptr<Reader> reader_;
  };

  Result<std::unique_ptr<Lease>> acquire();
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  void release(std::unique_ptr<Reader> reader);

  const std::string path_;
  const SqliteOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Reader>> idle_;
};

}  // namespace es::sqlite
