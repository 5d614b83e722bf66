#include "projection_lag.h"

#include <sqlite3.h>

#include <string>

#include "es/core/time.h"
#include "open_store.h"

namespace es::cli {

class LagCounter::SqliteCount {
 public:
  static Result<std::unique_ptr<SqliteCount>> open(const std::string& path) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    auto count = std::unique_ptr<SqliteCount>(new SqliteCount(raw));
    if (rc != SQLITE_OK) return Status::unavailable("cannot open " + path);
    sqlite3_busy_timeout(raw, 5'000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(raw, "SELECT count(*) FROM events WHERE position > ?1", -1, &stmt,
                           nullptr) != SQLITE_OK) {
      return Status::internal(std::string("count events: ") + sqlite3_errmsg(raw));
    }
    count->count_.reset(stmt);
    return count;
  }
  Result<std::int64_t> after(const Position& position) {
    sqlite3_stmt* s = count_.get();
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(position.minor()));
    if (sqlite3_step(s) != SQLITE_ROW) {
      return Status::internal(std::string("count events: ") + sqlite3_errmsg(db_.get()));
    }
    return sqlite3_column_int64(s, 0);
  }

 private:
  explicit SqliteCount(sqlite3* db) : db_(db, sqlite3_close_v2) {}
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db_;
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> count_{nullptr, sqlite3_finalize};
};

LagCounter::LagCounter(EventStore& store) : store_(&store) {}
LagCounter::LagCounter(LagCounter&&) noexcept = default;
LagCounter& LagCounter::operator=(LagCounter&&) noexcept = default;
LagCounter::~LagCounter() = default;

Result<LagCounter> LagCounter::open(const GlobalOptions& global, EventStore& store) {
  LagCounter counter(store);
  const std::string path = sqlite_file(global.db);
  if (!path.empty()) {
    auto opened = SqliteCount::open(path);
    if (!opened) return opened.error();
    counter.sqlite_ = std::move(*opened);
  }
  return counter;
}

Result<std::int64_t> LagCounter::events_after(const Position& position) {
  if (sqlite_) return sqlite_->after(position);
  std::int64_t count = 0;
  const Status s =
      store_->visit_all({.from = position, .max_count = 1000}, [&](const RecordedEvent&) {
        ++count;
        return true;
      });
  if (!s.is_ok()) return s;
  return count;
}

Json checkpoint_json(const Checkpoint& checkpoint, const Position& head, std::int64_t behind) {
  Json out = Json::object();
  out["name"] = checkpoint.name;
  out["position"] = checkpoint.position.to_string();
  out["updated_at"] = format_time(checkpoint.updated_at);
  out["head"] = head.to_string();
  out["caught_up"] = checkpoint.position >= head;
  out["events_behind"] = behind;
  return out;
}

Json dead_letter_json(const DeadLetter& letter) {
  Json out = Json::object();
  out["subscription"] = letter.subscription;
  out["stream"] = letter.stream;
  out["version"] = letter.version;
  out["position"] = letter.position.to_string();
  out["event_id"] = letter.event_id.to_string();
  out["type"] = letter.type;
  out["error"] = letter.error;
  out["attempts"] = letter.attempts;
  out["redeliver"] = letter.redeliver;
  out["parked_at"] = format_time(letter.parked_at);
  return out;
}

}  // namespace es::cli
