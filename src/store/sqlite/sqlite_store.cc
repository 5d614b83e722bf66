#include "es/store/sqlite_store.h"

#include "store/sqlite/chain.h"
#include "store/sqlite/reader.h"
#include "store/sqlite/writer.h"

namespace es {
namespace {

class SqliteStore final : public EventStore {
 public:
  SqliteStore(std::unique_ptr<sqlite::Writer> writer, const std::string& path,
              const SqliteOptions& options)
      : EventStore(options.limits),
        writer_(std::move(writer)),
        readers_(path, options),
        busy_timeout_ms_(options.busy_timeout_ms) {}

 protected:
  Result<std::vector<AppendResult>> do_append(std::span<const AppendRequest> batch) override {
    return writer_->append(batch);
  }
  std::vector<Result<AppendResult>> do_append_each(
      std::span<const AppendRequest> requests) override {
    return writer_->append_each(requests);
  }
  Result<std::vector<AppendResult>> do_import(std::span<const ImportGroup> groups) override {
    return writer_->import(groups);
  }

  Result<StreamCursor> do_read_stream(std::string_view stream, const ReadStreamOptions& options,
                                      const EventVisitor& visitor) override {
    auto reader = readers_.acquire();
    if (!reader) return reader.error();
    auto out = (**reader)->read_stream(stream, options, visitor);
    if (!out) return out.error();
    return StreamCursor{out->first, out->second};
  }

  Result<AllCursor> do_read_all(const ReadAllOptions& options,
                                const EventVisitor& visitor) override {
    auto reader = readers_.acquire();
    if (!reader) return reader.error();
    auto out = (**reader)->read_all(options, visitor);
    if (!out) return out.error();
    return AllCursor{out->first, out->second};
  }

  Result<StreamInfo> do_stream_info(std::string_view stream) override {
    auto reader = readers_.acquire();
    if (!reader) return reader.error();
    return (**reader)->stream_info(stream);
  }

  Result<Position> do_head_position() override {
    auto reader = readers_.acquire();
    if (!reader) return reader.error();
    return (**reader)->head_position();
  }

  Result<std::vector<StreamInfo>> do_list_streams(const ListStreamsOptions& options) override {
    auto reader = readers_.acquire();
    if (!reader) return reader.error();
    return (**reader)->list_streams(options);
  }

  Result<StoreStats> do_stats() override {
    auto reader = readers_.acquire();
    if (!reader) return reader.error();
    return (**reader)->stats(readers_.path());
  }

  Status do_delete_stream(std::string_view stream, ExpectedVersion expected,
                          bool tombstone) override {
    return writer_->delete_stream(stream, expected, tombstone);
  }

  Status do_set_retention(std::string_view stream, const Retention& retention) override {
    return writer_->set_retention(stream, retention);
  }

  // On a connection of its own: a long scan must not hold a pooled reader's statement cache.
  Status do_scan_chain(std::string_view stream, detail::ChainScan& scan) override {
    auto conn = sqlite::Connection::open(readers_.path(), /*read_only=*/true, busy_timeout_ms_);
    if (!conn) return conn.error();
    return sqlite::scan_chain(*conn, stream, scan);
  }

 private:
  std::unique_ptr<sqlite::Writer> writer_;
  sqlite::ReaderPool readers_;
  int busy_timeout_ms_;
};

}  // namespace

Result<std::unique_ptr<EventStore>> open_sqlite(const std::string& path,
                                                const SqliteOptions& options) {
  if (path.empty()) return Status::invalid_argument("sqlite path is empty");
  auto writer = sqlite::Writer::open(path, options);
  if (!writer) return writer.error();
  return std::unique_ptr<EventStore>(
      std::make_unique<SqliteStore>(std::move(*writer), path, options));
}

}  // namespace es
