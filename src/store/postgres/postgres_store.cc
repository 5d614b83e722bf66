#include "es/store/postgres_store.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "store/postgres/chain.h"
#include "store/postgres/listener.h"
#include "store/postgres/pool.h"
#include "store/postgres/reader.h"
#include "store/postgres/schema.h"
#include "store/postgres/writer.h"

namespace es {
namespace {

class PostgresStore final : public EventStore {
 public:
  PostgresStore(std::unique_ptr<postgres::Writer> writer, const std::string& conninfo,
                const PostgresOptions& options)
      : EventStore(options.limits),
        writer_(std::move(writer)),
        readers_(conninfo, options.schema, options.max_read_connections),
        read_ahead_(options.max_read_connections > 1
                        ? std::make_unique<postgres::Pool>(conninfo, options.schema, 1)
                        : nullptr),
        listener_(conninfo, options.schema),
        visibility_wait_(options.visibility_wait_ms) {}

 protected:
  Result<std::vector<AppendResult>> do_append(std::span<const AppendRequest> batch) override {
    auto appended = writer_->append(batch);
    if (!appended) return appended.error();
    if (appended->xid != 0) wait_until_visible(appended->xid);
    return std::move(appended->results);
  }
  std::vector<Result<AppendResult>> do_append_each(
      std::span<const AppendRequest> requests) override {
    std::vector<Result<postgres::Writer::Appended>> appended = writer_->append_each(requests);
    std::uint64_t xid = 0;
    std::vector<Result<AppendResult>> results;
    results.reserve(appended.size());
    for (Result<postgres::Writer::Appended>& one : appended) {
      if (!one) {
        results.emplace_back(one.error());
        continue;
      }
      xid = std::max(xid, one->xid);
      results.emplace_back(one->results.front());
    }
    if (xid != 0) wait_until_visible(xid);
    return results;
  }
  Result<std::vector<AppendResult>> do_import(std::span<const ImportGroup> groups) override {
    auto imported = writer_->import(groups);
    if (!imported) return imported.error();
    if (imported->xid != 0) wait_until_visible(imported->xid);
    return std::move(imported->results);
  }

  Result<StreamCursor> do_read_stream(std::string_view stream, const ReadStreamOptions& options,
                                      const EventVisitor& visitor) override {
    auto lease = readers_.acquire();
    if (!lease) return lease.error();
    auto out = postgres::read_stream(***lease, stream, options, visitor);
    if (!out) return out.error();
    return StreamCursor{out->first, out->second};
  }

  Status do_visit_stream(std::string_view stream, const ReadStreamOptions& options,
                         const EventVisitor& visitor) override {
    auto lease = readers_.acquire();
    if (!lease) return lease.error();
    return postgres::visit_stream(***lease, read_ahead_.get(), stream, options, visitor);
  }

  Result<AllCursor> do_read_all(const ReadAllOptions& options,
                                const EventVisitor& visitor) override {
    auto lease = readers_.acquire();
    if (!lease) return lease.error();
    auto out = postgres::read_all(***lease, options, visitor);
    if (!out) return out.error();
    return AllCursor{out->first, out->second};
  }

  Result<StreamInfo> do_stream_info(std::string_view stream) override {
    auto lease = readers_.acquire();
    if (!lease) return lease.error();
    return postgres::stream_info(***lease, stream);
  }

  Result<Position> do_head_position() override {
    auto lease = readers_.acquire();
    if (!lease) return lease.error();
    return postgres::head_position(***lease);
  }

  Result<std::vector<StreamInfo>> do_list_streams(const ListStreamsOptions& options) override {
    auto lease = readers_.acquire();
    if (!lease) return lease.error();
    return postgres::list_streams(***lease, options);
  }

  Result<StoreStats> do_stats() override {
    auto lease = readers_.acquire();
    if (!lease) return lease.error();
    return postgres::stats(***lease);
  }

  Status do_delete_stream(std::string_view stream, ExpectedVersion expected,
                          bool tombstone) override {
    return writer_->delete_stream(stream, expected, tombstone);
  }

  Status do_set_retention(std::string_view stream, const Retention& retention) override {
    return writer_->set_retention(stream, retention);
  }

  bool do_wait_for_hint(std::chrono::steady_clock::time_point until) override {
    return listener_.wait(until);
  }

  Status do_scan_chain(std::string_view stream, detail::ChainScan& scan) override {
    auto lease = readers_.acquire();
    if (!lease) return lease.error();
    return postgres::scan_chain(***lease, stream, scan);
  }

 private:
  // Until every transaction older than `xid` has ended (so feed readers see the append), or the
  // configured wait passes. Usually the snapshot taken right after the commit already shows it.
  void wait_until_visible(std::uint64_t xid) {
    if (writer_->visible_below() > xid || visibility_wait_.count() <= 0) return;
    const auto deadline = std::chrono::steady_clock::now() + visibility_wait_;
    auto pause = std::chrono::microseconds(50);
    while (writer_->visible_below() <= xid && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(2'000));
      auto lease = readers_.acquire();
      if (!lease) return;
      auto xmin = postgres::snapshot_xmin(***lease);
      if (!xmin) return;
      writer_->advance_visible_below(*xmin);
    }
  }

  std::unique_ptr<postgres::Writer> writer_;
  postgres::Pool readers_;
  // One connection of its own for reading ahead, so a read that has it still holds only one of
  // readers_ (a visitor may read the store too); null when max_read_connections is 1.
  std::unique_ptr<postgres::Pool> read_ahead_;
  postgres::Listener listener_;  // opened by the first wait_for_append()
  const std::chrono::milliseconds visibility_wait_;
};

}  // namespace

Result<std::unique_ptr<EventStore>> open_postgres(const std::string& conninfo,
                                                  const PostgresOptions& options) {
  ES_RETURN_IF_ERROR(postgres::validate_schema_name(options.schema));
  auto writer = postgres::Writer::open(conninfo, options);
  if (!writer) return writer.error();
  return std::unique_ptr<EventStore>(
      std::make_unique<PostgresStore>(std::move(*writer), conninfo, options));
}

}  // namespace es
