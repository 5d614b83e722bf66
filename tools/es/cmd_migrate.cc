// es migrate --from URL --to URL: copies a store to another backend (SQLite <-> PostgreSQL, or
// memory: to a file), keeping ids, stream versions, payloads, metadata, tenants, recorded_at and
// the global order (EventStore::import), then the streams' states and retention, and verifies the
// copy: event and stream counts, every stream's head, state and soft-delete cut, and the
// hash-chain digest. Exit 5 when the copy differs.
//
// A stream soft-deleted and then appended to again hides the versions before its cut: the copy
// soft-deletes it at the same version, between importing the event before the cut and the one
// at it.
//
// Resumable: the target is always a prefix of the source's global feed (imports commit in
// order), so a re-run skips as many source events as the target holds and goes on from there;
// whatever it re-sends is an idempotent replay.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "exit_code.h"
#include "open_store.h"
#include "progress.h"

namespace es::cli {
namespace {

// Most events per import call (one target transaction).
constexpr std::size_t kEventsPerImport = 1000;

struct MigrateArgs {
  std::string from;
  std::string to;
};

// Source events gathered into import groups: one per source transaction (same recorded_at),
// split where a stream would appear twice in one group.
class ImportBuffer {
 public:
  explicit ImportBuffer(EventStore& target) : target_(target) {}

  [[nodiscard]] std::size_t size() const { return count_; }

  void add(const RecordedEvent& e) {
    if (groups_.empty() || groups_.back().recorded_at != e.recorded_at ||
        !fits(groups_.back(), e)) {
      groups_.push_back({.recorded_at = e.recorded_at});
    }
    Group& g = groups_.back();
    if (g.runs.empty() || g.runs.back().stream != e.stream) {
      g.runs.push_back({.stream = e.stream, .tenant = e.tenant, .first_version = e.version});
    }
    g.runs.back().events.push_back({.id = e.id,
                                    .type = e.type,
                                    .schema_version = e.schema_version,
                                    .data = e.data,
                                    .metadata = e.metadata});
    ++count_;
  }

  // Imports everything gathered, in one call.
  Status flush() {
    if (count_ == 0) return Status::ok();
    std::vector<std::vector<AppendRequest>> requests(groups_.size());
    std::vector<ImportGroup> groups;
    for (std::size_t i = 0; i < groups_.size(); ++i) {
      for (const Run& run : groups_[i].runs) {
        requests[i].push_back({.stream = run.stream,
                               .expected = ExpectedVersion::exact(run.first_version - 1),
                               .events = run.events,
                               .tenant = run.tenant});
      }
      groups.push_back({.requests = requests[i], .recorded_at = groups_[i].recorded_at});
    }
    auto imported = target_.import(groups);
    if (!imported) return imported.error();
    groups_.clear();
    count_ = 0;
    return Status::ok();
  }

 private:
  struct Run {
    std::string stream;
    std::string tenant;
    std::int64_t first_version = 0;
    std::vector<EventData> events;
  };
  struct Group {
    Timestamp recorded_at;
    std::vector<Run> runs;
  };

  // Whether `e` can join `g`: its stream is new to the group, or continues the last run.
  static bool fits(const Group& g, const RecordedEvent& e) {
    const Run& last = g.runs.back();
    if (last.stream == e.stream) {
      return e.version == last.first_version + static_cast<std::int64_t>(last.events.size());
    }
    for (const Run& run : g.runs) {
      if (run.stream == e.stream) return false;
    }
    return true;
  }

  EventStore& target_;
  std::vector<Group> groups_;
  std::size_t count_ = 0;
};

// Every stream of `store`, in name order.
Result<std::vector<StreamInfo>> all_streams(EventStore& store) {
  std::vector<StreamInfo> out;
  ListStreamsOptions page;
  for (;;) {
    auto streams = store.list_streams(page);
    if (!streams) return streams.error();
    out.insert(out.end(), streams->begin(), streams->end());
    if (streams->size() < page.max_count) return out;
    page.after = streams->back().stream;
  }
}

// Stream name -> the version at which the copy must be soft-deleted before importing it.
using Cuts = std::map<std::string, std::int64_t, std::less<>>;

// The soft-delete cut of every live stream whose cut hides events: the version an import must
// not reach before the copy is soft-deleted too. (A cut that retention.truncate_before explains
// is copied with the retention rules; a soft-deleted stream's cut is its state, copied last.)
Cuts cuts_of(const std::vector<StreamInfo>& streams) {
  Cuts cuts;
  for (const StreamInfo& s : streams) {
    if (s.state == StreamState::kLive && s.deleted_before > 1 &&
        s.deleted_before > s.retention.truncate_before) {
      cuts.emplace(s.stream, s.deleted_before);
    }
  }
  return cuts;
}

// Soft-deletes `stream` of the target at `cut - 1` unless it is cut there already (a resumed
// copy may have done it).
Status cut_stream(EventStore& to, const std::string& stream, std::int64_t cut) {
  auto info = to.stream_info(stream);
  if (!info) return info.error();
  if (info->deleted_before >= cut) return Status::ok();
  return to.delete_stream(stream, ExpectedVersion::exact(cut - 1));
}

// Copies the events after the first `skip` of the source's feed, soft-deleting each stream of
// `cuts` when the import reaches its cut.
Status copy_events(EventStore& from, EventStore& to, std::uint64_t skip, std::uint64_t total,
                   const Cuts& cuts) {
  ProgressBar bar("migrate", total);
  ImportBuffer buffer(to);
  std::uint64_t seen = 0;
  Status failed;
  const Status read = from.visit_all({}, [&](const RecordedEvent& e) {
    if (++seen <= skip) return true;
    if (const auto cut = cuts.find(e.stream); cut != cuts.end() && cut->second == e.version) {
      failed = buffer.flush();
      if (failed.is_ok()) failed = cut_stream(to, e.stream, e.version);
      if (!failed.is_ok()) return false;
    }
    buffer.add(e);
    if (buffer.size() >= kEventsPerImport) {
      failed = buffer.flush();
      bar.update(seen, seen);
    }
    return failed.is_ok();
  });
  ES_RETURN_IF_ERROR(failed);
  ES_RETURN_IF_ERROR(read);
  ES_RETURN_IF_ERROR(buffer.flush());
  bar.update(seen, seen);
  bar.finish();
  return Status::ok();
}

// The event of the source feed at `index` (0-based); kNotFound past its end.
Result<RecordedEvent> nth_event(EventStore& store, std::uint64_t index) {
  std::optional<RecordedEvent> found;
  std::uint64_t seen = 0;
  ES_RETURN_IF_ERROR(store.visit_all({}, [&](const RecordedEvent& e) {
    if (seen++ < index) return true;
    found = e;
    return false;
  }));
  if (!found) return Status::not_found("the source has fewer events than the target");
  return *found;
}

// A target holding `held` events must hold the source's first `held`: its last one is there.
Status check_prefix(EventStore& from, EventStore& to, std::uint64_t held) {
  if (held == 0) return Status::ok();
  auto last = nth_event(from, held - 1);
  if (!last) {
    return Status::invalid_argument(fmt::format(
        "the target holds {} events, more than the source: it is not a copy of it", held));
  }
  auto info = to.stream_info(last->stream);
  if (!info) return info.error();
  if (info->version < last->version) {
    return Status::invalid_argument(fmt::format(
        "the target holds {} events but not the source's event {} of '{}': it is another store "
        "(migrate into an empty one)",
        held, last->version, last->stream));
  }
  return Status::ok();
}

// The source's stream states and retention, applied to the target (each step idempotent).
Status copy_states(const std::vector<StreamInfo>& streams, EventStore& to) {
  for (const StreamInfo& s : streams) {
    if (s.state == StreamState::kTombstoned) {
      ES_RETURN_IF_ERROR(to.tombstone_stream(s.stream));
      continue;
    }
    auto target = to.stream_info(s.stream);
    if (!target) return target.error();
    if (target->retention != s.retention) {
      ES_RETURN_IF_ERROR(to.set_retention(s.stream, s.retention));
    }
    if (s.state == StreamState::kSoftDeleted && target->state != StreamState::kSoftDeleted) {
      ES_RETURN_IF_ERROR(to.delete_stream(s.stream));
    }
  }
  return Status::ok();
}

// Every difference between the two stores, one sentence each.
Result<std::vector<std::string>> differences(EventStore& from, EventStore& to) {
  std::vector<std::string> out;
  auto a = from.stats();
  if (!a) return a.error();
  auto b = to.stats();
  if (!b) return b.error();
  const auto compare = [&](std::string_view what, std::uint64_t x, std::uint64_t y) {
    if (x != y) out.push_back(fmt::format("{}: source {}, target {}", what, x, y));
  };
  compare("events", a->events, b->events);
  compare("streams", a->streams, b->streams);
  compare("live streams", a->live_streams, b->live_streams);
  compare("soft-deleted streams", a->deleted_streams, b->deleted_streams);
  compare("tombstoned streams", a->tombstoned_streams, b->tombstoned_streams);
  auto sa = all_streams(from);
  if (!sa) return sa.error();
  auto sb = all_streams(to);
  if (!sb) return sb.error();
  compare("listed streams", sa->size(), sb->size());
  for (std::size_t i = 0; i < std::min(sa->size(), sb->size()); ++i) {
    const StreamInfo& x = (*sa)[i];
    const StreamInfo& y = (*sb)[i];
    if (x.stream != y.stream || x.state != y.state || x.version != y.version ||
        x.tenant != y.tenant || x.retention != y.retention ||
        x.deleted_before != y.deleted_before) {
      out.push_back(fmt::format(
          "stream '{}' ({} at {}, cut before {}) differs from '{}' ({} at {}, cut before {})",
          x.stream, stream_state_name(x.state), x.version, x.deleted_before, y.stream,
          stream_state_name(y.state), y.version, y.deleted_before));
    }
  }
  auto va = from.verify();
  if (!va) return va.error();
  auto vb = to.verify();
  if (!vb) return vb.error();
  compare("chain problems", va->problems_found, vb->problems_found);
  compare("verified events", va->events, vb->events);
  if (va->digest != vb->digest) {
    out.push_back(fmt::format("digest: source {}, target {}", va->digest, vb->digest));
  }
  if (out.empty()) {
    std::cout << fmt::format("verified: {} events, {} streams, digest {}\n", b->events, b->streams,
                             vb->digest);
  }
  return out;
}

int run_migrate(const MigrateArgs& args, const GlobalOptions& global) {
  if (const int refused = refuse_tenant(global, "migrate"); refused != 0) return refused;
  if (args.from == args.to) return usage_error("--from and --to name the same store");
  GlobalOptions source = global;
  source.db = args.from;
  GlobalOptions target = global;
  target.db = args.to;
  auto from = open_store(source, Access::kRead);
  if (!from) return report(from.error());
  auto to = open_store(target, Access::kWrite);
  if (!to) return report(to.error());
  auto total = (*from)->stats();
  if (!total) return report(total.error());
  auto held = (*to)->stats();
  if (!held) return report(held.error());
  if (Status s = check_prefix(**from, **to, held->events); !s.is_ok()) return report(s);
  if (held->events > 0) {
    std::cerr << fmt::format("resuming: the target holds {} of {} events\n", held->events,
                             total->events);
  }
  auto streams = all_streams(**from);
  if (!streams) return report(streams.error());
  if (Status s = copy_events(**from, **to, held->events, total->events, cuts_of(*streams));
      !s.is_ok()) {
    return report(s);
  }
  if (Status s = copy_states(*streams, **to); !s.is_ok()) return report(s);
  auto diffs = differences(**from, **to);
  if (!diffs) return report(diffs.error());
  for (const std::string& d : *diffs) std::cerr << "es: differs: " << d << '\n';
  if (!diffs->empty()) {
    return report(Status::integrity(
        fmt::format("the copy differs from the source in {} ways", diffs->size())));
  }
  return 0;
}

}  // namespace

void add_migrate_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* sub = app.add_subcommand(
      "migrate", "Copy a store to another backend (SQLite <-> PostgreSQL) and verify the copy");
  sub->add_option("--from", args->from, "The source store's URL")->required();
  sub->add_option("--to", args->to, "The target store's URL (empty, or a copy being resumed)")
      ->required();
  sub->footer(
      "Copies every event in the global order with its id, stream version, payload, metadata,\n"
      "tenant and recorded time, then the streams' states (soft-deleted, tombstoned, and the\n"
      "cut of a stream deleted and written again) and retention rules, and verifies the copy:\n"
      "event and stream counts, each stream's state, version and cut, and the hash-chain digest\n"
      "(es verify). Safe to re-run after an interruption: it\n"
      "resumes after the events the target already holds. --db is not used. Exit 5 when the\n"
      "copy differs from the source.");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_migrate(*args, global); }; });
}

}  // namespace es::cli
