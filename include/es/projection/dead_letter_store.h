// DeadLetterStore: the events a subscription parked (DESIGN §8). When a handler still fails
// after the retry policy (es/projection/retry_policy.h), the event is parked here with its
// error; the later events of the same stream are parked behind it, so the stream's order is
// kept, while other streams go on and the checkpoint moves past the parked events.
//
// A parked stream leaves the queue in two ways: discard() forgets its letters, and
// retry() marks them for redelivery — the subscription of that name (the running one, within
// half a second, or the next to start) then hands them to its handler first, in order; each one
// delivered leaves the queue, and at the first that fails again (after the retry policy) it and
// the rest of its stream stay parked, with the new error.
//
// Thread safety: every method may be called concurrently, also from other processes for the
// SQLite and postgres stores (the `dead_letters` table of docs/storage-sqlite.md and
// docs/storage-postgres.md).
//
//   auto dlq = es::open_sqlite_dead_letter_store("events.db");
//   auto parked = (*dlq)->list("mailer");                 // oldest first
//   auto marked = (*dlq)->retry("mailer", "order-42");    // redelivered by the running mailer
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "es/core/position.h"
#include "es/core/result.h"
#include "es/core/time.h"
#include "es/core/uuid.h"
#include "es/store/postgres_store.h"
#include "es/store/sqlite_store.h"

namespace es {

struct DeadLetter {
  std::string subscription;  // the subscription's checkpoint name
  std::string stream;
  std::int64_t version = 0;
  Position position;
  Uuid event_id;
  std::string type;
  // The handler's last error; for an event parked behind another, which one it waits for.
  std::string error;
  std::uint32_t attempts = 0;  // handler calls made; 0 for an event parked behind another
  Timestamp parked_at;
  bool redeliver = false;  // marked by retry(): the subscription redelivers it next

  friend bool operator==(const DeadLetter&, const DeadLetter&) = default;
};

class DeadLetterStore {
 public:
  DeadLetterStore() = default;
  DeadLetterStore(const DeadLetterStore&) = delete;
  DeadLetterStore& operator=(const DeadLetterStore&) = delete;
  virtual ~DeadLetterStore() = default;

  // Subscription names are 1–256 bytes (kInvalidArgument otherwise); where a name is optional,
  // empty means every subscription, and where a stream is, nullopt means every stream.

  // Parks `letter`; parking an event already parked for its subscription changes nothing (a
  // redelivered page parks it again).
  Status park(const DeadLetter& letter);
  // The parked events of `subscription` (empty: all), oldest first (position order).
  Result<std::vector<DeadLetter>> list(std::string_view subscription = {});
  // How many events are parked for `subscription` (empty: all): the DLQ depth.
  Result<std::uint64_t> count(std::string_view subscription = {});
  // Marks the parked events of `subscription` (of one stream, or all) for redelivery; returns how
  // many it marked.
  Result<std::uint64_t> retry(std::string_view subscription,
                              const std::optional<std::string>& stream = std::nullopt);
  // Forgets the parked events of `subscription` (of one stream, or all); returns how many.
  Result<std::uint64_t> discard(std::string_view subscription,
                                const std::optional<std::string>& stream = std::nullopt);

  // For subscriptions: a redelivered letter leaves the queue; one that failed again stays,
  // unmarked, with its new error and attempts (matched by subscription and position).
  Status remove(const DeadLetter& letter);
  Status keep(const DeadLetter& letter);

 protected:
  // Hooks; names are valid.
  virtual Status do_park(const DeadLetter& letter) = 0;
  virtual Result<std::vector<DeadLetter>> do_list(std::string_view subscription) = 0;
  virtual Result<std::uint64_t> do_count(std::string_view subscription) = 0;
  virtual Result<std::uint64_t> do_retry(std::string_view subscription,
                                         const std::optional<std::string>& stream) = 0;
  virtual Result<std::uint64_t> do_discard(std::string_view subscription,
                                           const std::optional<std::string>& stream) = 0;
  virtual Status do_remove(const DeadLetter& letter) = 0;
  virtual Status do_keep(const DeadLetter& letter) = 0;
};

std::unique_ptr<DeadLetterStore> make_memory_dead_letter_store();

// Dead letters kept in the `dead_letters` table of a SQLite store file (docs/storage-sqlite.md);
// the exactly-once runner parks into the same table inside its transactions.
Result<std::unique_ptr<DeadLetterStore>> open_sqlite_dead_letter_store(
    const std::string& path, const SqliteOptions& options = {});

// Dead letters kept in the `dead_letters` table of a postgres store's schema (options.schema,
// created or migrated if needed; docs/storage-postgres.md).
Result<std::unique_ptr<DeadLetterStore>> open_postgres_dead_letter_store(
    const std::string& conninfo, const PostgresOptions& options = {});

}  // namespace es
