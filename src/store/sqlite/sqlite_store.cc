#include "es/store/sqlite_store.h"

#include "store/sqlite/reader.h"
#include "store/sqlite/writer.h"

namespace es {
namespace {

class SqliteStore final : public EventStore {
 public:
  SqliteStore(std::unique_ptr<sqlite::Writer> writer, const std::string& path,
              const SqliteOptions& options)
      : EventStore(options.limits), writer_(std::move(writer)), readers_(path, options) {}

 protected:
  Result<std::vector<AppendResult>> do_append(std::span<const AppendRequest> batch) override {
    return writer_->append(batch);
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

 private:
  std::unique_ptr<sqlite::Writer> writer_;
  sqlite::ReaderPool readers_;
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
