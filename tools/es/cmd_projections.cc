// es projections: the named checkpoints of the store (projections, `es tail --name`, any
// subscription with a name), with how far behind the head each one is.
#include <fmt/format.h>
#include <sqlite3.h>

#include <iostream>
#include <memory>
#include <optional>

#include "command.h"
#include "es/core/time.h"
#include "es/projection/checkpoint_store.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"

namespace es::cli {
namespace {

// Counts the events after each checkpoint with one indexed count on the events table: positions
// are not dense (a rolled-back append leaves a gap), so they cannot be subtracted.
class BehindCounter {
 public:
  static Result<BehindCounter> open(const std::string& path) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    BehindCounter counter(raw);
    if (rc != SQLITE_OK) return Status::unavailable("cannot open " + path);
    sqlite3_busy_timeout(raw, 5'000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(raw, "SELECT count(*) FROM events WHERE position > ?1", -1, &stmt,
                           nullptr) != SQLITE_OK) {
      return Status::internal(std::string("count events: ") + sqlite3_errmsg(raw));
    }
    counter.count_.reset(stmt);
    return counter;
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
  explicit BehindCounter(sqlite3* db) : db_(db, sqlite3_close_v2) {}
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db_;
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> count_{nullptr, sqlite3_finalize};
};

// Events stored after `position` in a store without a SQLite file: read from there (positions
// of the postgres feed are not dense either).
Result<std::int64_t> count_after(EventStore& store, const Position& position) {
  std::int64_t count = 0;
  const Status s =
      store.visit_all({.from = position, .max_count = 1000}, [&](const RecordedEvent&) {
        ++count;
        return true;
      });
  if (!s.is_ok()) return s;
  return count;
}

int run_projections(const GlobalOptions& global) {
  if (const int refused = refuse_tenant(global, "es projections")) return refused;
  auto checkpoints = open_checkpoints(global, "es projections");
  if (!checkpoints) return report(checkpoints.error());
  auto store = open_store(global, Access::kRead);
  if (!store) return report(store.error());
  auto listed = (*checkpoints)->list();
  if (!listed) return report(listed.error());
  auto head = (*store)->head_position();
  if (!head) return report(head.error());
  const std::string path = sqlite_file(global.db);
  std::optional<BehindCounter> counter;
  if (!path.empty()) {
    auto opened = BehindCounter::open(path);
    if (!opened) return report(opened.error());
    counter.emplace(std::move(*opened));
  }
  for (const Checkpoint& checkpoint : *listed) {
    auto behind =
        counter ? counter->after(checkpoint.position) : count_after(**store, checkpoint.position);
    if (!behind) return report(behind.error());
    Json line = Json::object();
    line["name"] = checkpoint.name;
    line["position"] = checkpoint.position.to_string();
    line["updated_at"] = format_time(checkpoint.updated_at);
    line["head"] = head->to_string();
    line["caught_up"] = checkpoint.position >= *head;
    line["events_behind"] = *behind;
    if (!write_line(std::cout, line)) return report(Status::unavailable("cannot write to stdout"));
  }
  std::cout.flush();
  return 0;
}

}  // namespace

void add_projections_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  CLI::App* sub = app.add_subcommand(
      "projections", "List the named checkpoints (projections, tails) with their lag");
  sub->footer(
      "One JSON line per checkpoint: name, position, updated_at, head, caught_up and\n"
      "events_behind (events stored after the checkpoint, filtered ones included).");
  sub->callback([&global, &run] { run = [&global] { return run_projections(global); }; });
}

}  // namespace es::cli
