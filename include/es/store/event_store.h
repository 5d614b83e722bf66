// EventStore: the append-only log of events, the interface every backend implements (DESIGN §3–6).
//
// Public methods are non-virtual: they validate input (names, sizes, limits — kInvalidArgument
// naming the field, nothing written) and then call a backend's protected hook. Appends are atomic
// per call: every request of a batch commits, or none does. Idempotency by event id follows
// KurrentDB: re-appending the same ids at the same place returns the original result and writes
// nothing; ids stored elsewhere, or only some of them stored, fail with kAlreadyExists.
//
// Thread safety: every method may be called concurrently from any number of threads. Destroy
// the store only after every wait_for_append() has returned.
//
//   auto store = es::open("events.db");
//   std::vector<es::EventData> events{{.type = "bank.AccountOpened", .data =
//   R"({"owner":"ada"})"}}; es::Result<es::AppendResult> r = (*store)->append("account-42",
//   es::ExpectedVersion::no_stream(), events);
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <stop_token>
#include <string_view>
#include <vector>

#include "es/core/limits.h"
#include "es/core/result.h"
#include "es/store/append.h"
#include "es/store/import.h"
#include "es/store/read.h"
#include "es/store/stream_info.h"
#include "es/store/verify.h"

namespace es {
namespace detail {
class ChainScan;
}  // namespace detail

class EventStore {
 public:
  explicit EventStore(Limits limits = {}) : limits_(limits) {}
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;
  virtual ~EventStore() = default;

  // Appends `events` to one stream under `expected`. At least one event.
  Result<AppendResult> append(std::string_view stream, ExpectedVersion expected,
                              std::span<const EventData> events, std::string_view tenant = {});
  // Appends to several streams atomically; one result per request, in order. A stream may appear
  // only once per batch.
  Result<std::vector<AppendResult>> append(std::span<const AppendRequest> batch);
  Result<std::vector<AppendResult>> append(std::initializer_list<AppendRequest> batch) {
    return append(std::span<const AppendRequest>(batch.begin(), batch.size()));
  }

  // Appends each request on its own, as that many append() calls from as many threads would: each
  // has its own expected version and succeeds or fails alone, in the order given (a stream may
  // appear more than once). The backends that group commits (SQLite, PostgreSQL) commit them
  // together, so a caller with many independent appends at hand (a server's event loop) pays one
  // durable commit for all of them. One result per request, in order; returns when every one has
  // ended.
  std::vector<Result<AppendResult>> append_each(std::span<const AppendRequest> requests);

  // For copying a store (es migrate), not for applications (es/store/import.h): appends each
  // group in order as append() would, except that every event gets its group's recorded_at
  // instead of the clock's. Requests that do not place their events exactly, or events without
  // ids, are kInvalidArgument; re-importing what is already there is append's idempotent replay,
  // so an interrupted copy is safe to resume. SQLite and PostgreSQL write the call in one
  // transaction; the memory store group by group, so a failure may leave the groups before it.
  // Positions are this store's own; the caller keeps recorded_at in the source's order. A store
  // that cannot import (a tenant-scoped or encrypting handle) fails with kInvalidArgument.
  Result<std::vector<AppendResult>> import(std::span<const ImportGroup> groups);

  // Events of one stream. An absent or soft-deleted stream reads as empty; a tombstoned one
  // fails with kStreamDeleted. Memory grows with max_count: prefer visit_stream for long streams.
  Result<StreamSlice> read_stream(std::string_view stream, const ReadStreamOptions& options = {});
  // Calls `visitor` for each event as read_stream would return it, reading in pages of
  // max_count (at most 1000 per page), so memory stays O(page) however long the stream. The
  // postgres backend streams the read instead (binary COPY), memory O(event).
  Status visit_stream(std::string_view stream, const ReadStreamOptions& options,
                      const EventVisitor& visitor);

  // One page of the global feed in position order.
  Result<AllSlice> read_all(const ReadAllOptions& options = {});
  // As read_all, into `page`, reusing the events (and their strings' storage) it already holds:
  // for loops that read page after page, such as subscriptions. On failure `page` is unspecified.
  Status read_all(const ReadAllOptions& options, AllSlice& page);
  // Calls `visitor` for every event after options.from in position order, page by page.
  Status visit_all(const ReadAllOptions& options, const EventVisitor& visitor);

  Result<StreamInfo> stream_info(std::string_view stream);
  // Position of the newest event; Position::start() for an empty store.
  Result<Position> head_position();
  // Streams in name order, one page.
  Result<std::vector<StreamInfo>> list_streams(const ListStreamsOptions& options = {});
  Result<StoreStats> stats();

  // Soft delete: the stream reads as empty; a later append recreates it with versions continuing.
  // kNotFound if absent; kStreamDeleted if tombstoned; expected: any, stream_exists or exact(n).
  Status delete_stream(std::string_view stream, ExpectedVersion expected = ExpectedVersion::any());
  // Hard delete: the stream can never be written again (kStreamDeleted) and reads fail. Allowed
  // on an absent stream, to reserve its name forever; idempotent.
  Status tombstone_stream(std::string_view stream,
                          ExpectedVersion expected = ExpectedVersion::any());
  // Replaces the stream's retention rules (the stream must exist).
  Status set_retention(std::string_view stream, const Retention& retention);

  // Checks the hash chain of every stream, or of options.stream, in one snapshot, and reports
  // each event modified, deleted, inserted or reordered since it was appended (es/store/verify.h).
  // Tampering is a finding, not an error: the result is an error only when the store cannot be
  // read.
  Result<VerifyReport> verify(const VerifyOptions& options = {});

  // How often wait_for_append() re-reads the head to notice appends by other processes.
  static constexpr std::chrono::milliseconds kAppendPollInterval{2};

  // Blocks until the head moves past `after`, `max_wait` passes or `stop` is requested, and
  // returns the head then (which is still `after` or earlier on a timeout or stop). An append
  // through this object wakes the waiter at once; one by another process is noticed within
  // kAppendPollInterval, or sooner on a backend that hints at appends (postgres: LISTEN/NOTIFY).
  // Subscriptions use it to go live.
  Result<Position> wait_for_append(Position after, std::chrono::milliseconds max_wait,
                                   const std::stop_token& stop = {});

  [[nodiscard]] const Limits& limits() const { return limits_; }

 protected:
  // Result of one page read by a hook: where to continue and whether the end was reached.
  struct StreamCursor {
    std::int64_t next_version = 0;
    bool end = true;
  };
  struct AllCursor {
    Position next;
    bool end = true;
  };

  // Hooks. Inputs are validated; `batch` is non-empty with distinct streams. Reads call `visitor`
  // for at most max_count events and stop early when it returns false.
  virtual Result<std::vector<AppendResult>> do_append(std::span<const AppendRequest> batch) = 0;
  // append_each()'s hook: `requests` are validated, each non-empty. The default runs do_append
  // for one request after another; a backend that groups commits, or a store that wraps one,
  // overrides it to share them.
  virtual std::vector<Result<AppendResult>> do_append_each(std::span<const AppendRequest> requests);
  // import()'s hook: do_append of each group with its recorded_at; one result per request, in
  // order. The default refuses.
  virtual Result<std::vector<AppendResult>> do_import(std::span<const ImportGroup> groups);
  virtual Result<StreamCursor> do_read_stream(std::string_view stream,
                                              const ReadStreamOptions& options,
                                              const EventVisitor& visitor) = 0;
  virtual Result<AllCursor> do_read_all(const ReadAllOptions& options,
                                        const EventVisitor& visitor) = 0;
  // visit_stream()'s hook: every event do_read_stream would return from options.from_version on,
  // options.max_count being only a page size. The default reads page after page through
  // do_read_stream, so a store that wraps another and overrides do_read_stream (to scope, trace
  // or decrypt) is visited through its own override; a backend may stream the read instead.
  virtual Status do_visit_stream(std::string_view stream, const ReadStreamOptions& options,
                                 const EventVisitor& visitor);
  virtual Result<StreamInfo> do_stream_info(std::string_view stream) = 0;
  virtual Result<Position> do_head_position() = 0;
  virtual Result<std::vector<StreamInfo>> do_list_streams(const ListStreamsOptions& options) = 0;
  virtual Result<StoreStats> do_stats() = 0;
  virtual Status do_delete_stream(std::string_view stream, ExpectedVersion expected,
                                  bool tombstone) = 0;
  virtual Status do_set_retention(std::string_view stream, const Retention& retention) = 0;
  // Feeds `scan` the stored rows of `stream` (every stream when empty) in the order
  // store/chain_scan.h documents. The default fails with kInternal: a backend keeps the chain
  // (computing hashes with store/hash_chain.h at append) and overrides this.
  virtual Status do_scan_chain(std::string_view stream, detail::ChainScan& scan);
  // For a store that wraps another (a tenant-scoped handle): the other store's hook.
  // Blocks until a hint that another process may have appended (true) or until `until` (false).
  // A hint need not be exact: the caller re-reads the head either way, and still polls it every
  // kAppendPollInterval, so a lost hint costs no more than the poll. One waiter at a time calls
  // it; the others sleep and are woken through that one. The default has no hints and returns
  // false at once, leaving the waiter to sleep until `until` or an append through this object.
  virtual bool do_wait_for_hint(std::chrono::steady_clock::time_point until);
  // `store`'s hook, if no other waiter is in it (false at once otherwise); for this store's own
  // waiters and for a store that wraps another.
  static bool wait_for_hint_of(EventStore& store, std::chrono::steady_clock::time_point until);
  // For append_each and its hooks: runs `check` on a copy of each request (which it may
  // rewrite); the requests it lets through go to `append` in one call, in order. One outcome per
  // request: the check's error or the append's.
  static std::vector<Result<AppendResult>> append_checked(
      std::span<const AppendRequest> requests, const std::function<Status(AppendRequest&)>& check,
      const std::function<std::vector<Result<AppendResult>>(std::span<const AppendRequest>)>&
          append);
  static std::vector<Result<AppendResult>> append_each_of(EventStore& store,
                                                          std::span<const AppendRequest> requests) {
    return store.do_append_each(requests);
  }
  static Status scan_chain_of(EventStore& store, std::string_view stream, detail::ChainScan& scan) {
    return store.do_scan_chain(stream, scan);
  }
  // `store`'s read hooks, for a store that wraps another and passes validated reads through
  // without copying the events.
  static Result<StreamCursor> read_stream_of(EventStore& store, std::string_view stream,
                                             const ReadStreamOptions& options,
                                             const EventVisitor& visitor) {
    return store.do_read_stream(stream, options, visitor);
  }
  static Result<AllCursor> read_all_of(EventStore& store, const ReadAllOptions& options,
                                       const EventVisitor& visitor) {
    return store.do_read_all(options, visitor);
  }

 private:
  // Wakes wait_for_append() callers after a successful append; costs one atomic load when
  // nobody waits.
  void notify_appended();

  Limits limits_;
  std::atomic<int> waiters_{0};
  std::mutex wake_mutex_;
  std::condition_variable_any wake_;
  std::uint64_t appends_ = 0;  // generation counter under wake_mutex_: bumped by each append
  std::mutex hint_mutex_;      // held by the one waiter in do_wait_for_hint()
};

}  // namespace es
