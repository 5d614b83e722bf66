// Repository: loads aggregates from their streams and saves what commands raised, for both
// aggregate styles (es/domain/aggregate.h). It decodes and upcasts stored events, folds them,
// uses snapshots and an LRU cache to skip replay where it can, appends with the loaded version as
// the expected version, and retries a command on a concurrency conflict.
//
// A snapshot or cache never changes what a load returns: both are checked against the stream and
// ignored (the load replays fully, and the failure is counted) when they do not fit. A starting
// point fits when the stream's first readable version is still the first one folded into it: a
// delete or a retention cut made since (here or by another process) discards it, even when the
// numbering goes on right after it. Snapshots are taken, and used, only for streams readable
// from version 1, so a stream with a delete or retention cut loads by full replay (or the cache).
//
// Thread safety: every method may be called concurrently; aggregates themselves are per caller.
//
//   es::Repository<Account> accounts(*store, {.snapshot_every = 100, .snapshots = snaps.get()});
//   es::Result<Account> a = accounts.load("42");
//   auto done = accounts.execute("42", [](Account& a) { return a.withdraw(500); });
//   auto then = accounts.load("42", es::AsOf{es::parse_time("2026-01-15T00:00:00Z").value()});
#pragma once

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "es/domain/aggregate_traits.h"
#include "es/domain/command_context.h"
#include "es/domain/event_set.h"
#include "es/domain/lru_cache.h"
#include "es/domain/unit_of_work.h"
#include "es/domain/upcaster.h"
#include "es/store/event_store.h"
#include "es/store/snapshot_store.h"

namespace es {

struct RepositoryOptions {
  // Take a snapshot when a save crosses a multiple of this many versions; 0 never snapshots.
  // Needs `snapshots` and a snapshottable aggregate (kSnapshotVersion and reflected state).
  std::int64_t snapshot_every = 0;
  SnapshotStore* snapshots = nullptr;
  // Steps applied to stored events and snapshots before decoding; null for none.
  const Upcasters* upcasters = nullptr;
  // execute(): attempts in all when appends conflict (load, decide, append again).
  int max_attempts = 3;
  // Aggregates kept in memory for fast-forward loads; 0 keeps none.
  std::size_t cache_size = 0;
};

// Loads the aggregate as it was right after its event `version`.
struct AtVersion {
  std::int64_t version = 0;
};
// Loads the aggregate as it was at `time` (events recorded at or before it).
struct AsOf {
  Timestamp time;
};

// What execute() did.
struct Executed {
  std::int64_t version = 0;  // the stream version after the command
  std::size_t events = 0;    // events the command appended (0: nothing to do)
  int attempts = 1;          // loads it took (more than 1 after conflicts)
};

// Counters of a repository, for metrics and tests.
struct RepositoryStats {
  std::uint64_t loads = 0;
  std::uint64_t events_replayed = 0;
  std::uint64_t snapshot_loads = 0;     // loads that started from a snapshot
  std::uint64_t snapshot_failures = 0;  // snapshots ignored (undecodable, stale, failed to save)
  std::uint64_t snapshots_taken = 0;
  std::uint64_t cache_hits = 0;
  std::uint64_t conflict_retries = 0;
};

template <typename A>
class Repository {
  using Traits = AggregateTraits<A>;
  using Root = typename Traits::Root;
  using EventVariant = typename Traits::EventVariant;
  using Events = EventSet<EventVariant>;

 public:
  // True when the aggregate can be snapshotted: a kSnapshotVersion and reflected state.
  static constexpr bool kSnapshottable = requires {
    { A::kSnapshotVersion } -> std::convertible_to<std::int32_t>;
  }
  &&Reflected<std::remove_cvref_t<decltype(Traits::state(std::declval<Root&>()))>>;

  explicit Repository(EventStore& store, RepositoryOptions options = {})
      : store_(store), options_(options), cache_(options.cache_size) {
    assert((options_.snapshot_every == 0 || (kSnapshottable && options_.snapshots)) &&
           "snapshot_every needs a SnapshotStore and a snapshottable aggregate");
  }

  // The aggregate as of its newest event; a fresh one (version 0) if the stream has none.
  Result<Root> load(std::string_view id) { return load_bounded(id, kUnbounded, std::nullopt); }
  Result<Root> load(std::string_view id, AtVersion at) {
    return load_bounded(id, at.version, std::nullopt);
  }
  Result<Root> load(std::string_view id, AsOf as_of) {
    return load_bounded(id, kUnbounded, as_of.time);
  }

  // Appends the uncommitted events of one or more imperative aggregates in one atomic append,
  // each expecting the version it was loaded at. On success the aggregates are at their new
  // versions and have no uncommitted events; on failure they are unchanged. For aggregates of
  // different types, stage each in one UnitOfWork.
  template <typename... Roots>
  requires(ImperativeAggregate<A> && (std::same_as<Roots, Root> && ...)) Status
      save(const CommandContext& context, Roots&... roots) {
    UnitOfWork work(store_, context);
    (stage(work, roots), ...);
    return work.commit();
  }

  // Stages the uncommitted events of an imperative aggregate in `work`. When the unit commits,
  // the aggregate advances as after save(); until then, and if the commit fails, it is unchanged.
  // `root` must outlive the commit.
  void stage(UnitOfWork& work, Root& root) requires ImperativeAggregate<A> {
    std::vector<EventData> events;
    for (const EventVariant& e : root.uncommitted()) events.push_back(encode(e, work.metadata()));
    stage_encoded(work, root, Traits::version(root), std::move(events),
                  [](Root& r) { detail::AggregateAccess::mark_committed(r); });
  }
  // Stages `events`, decided from root.state, in `work`. When the unit commits they are folded
  // into `root`, which then stands at the new version. `root` must outlive the commit.
  void stage(UnitOfWork& work, Root& root, std::vector<EventVariant> events) requires Decider<A> {
    std::vector<EventData> encoded;
    for (const EventVariant& e : events) encoded.push_back(encode(e, work.metadata()));
    stage_encoded(work, root, root.version, std::move(encoded),
                  [events = std::move(events)](Root& r) {
                    for (const EventVariant& e : events) Traits::evolve(r, e);
                  });
  }

  // Imperative style: load, run `command` (Status(A&)), save what it raised; on a conflict,
  // reload and run it again, up to max_attempts. A command's non-ok status is returned as is.
  template <typename Command>
  requires ImperativeAggregate<A> && std::invocable<Command&, Root&> Result<Executed> execute(
      std::string_view id, Command&& command, CommandContext context = {}) {
    if (context.command_id.empty()) context.command_id = Uuid::v7().to_string();
    for (int attempt = 1;; ++attempt) {
      auto root = load(id);
      if (!root) return root.error();
      Status decided = command(*root);
      if (!decided.is_ok()) return decided;
      const std::size_t raised = root->uncommitted().size();
      if (raised == 0) return Executed{Traits::version(*root), 0, attempt};
      Status saved = save(context, *root);
      if (saved.is_ok()) return Executed{Traits::version(*root), raised, attempt};
      if (saved.code() != StatusCode::kConflict || attempt >= options_.max_attempts) return saved;
      ++stats_.conflict_retries;
    }
  }

  // Decider style: load, decide(command, state), append the events; retried on a conflict.
  template <Decider D = A>
  Result<Executed> execute(std::string_view id, const typename D::Command& command,
                           CommandContext context = {}) {
    if (context.command_id.empty()) context.command_id = Uuid::v7().to_string();
    for (int attempt = 1;; ++attempt) {
      auto root = load(id);
      if (!root) return root.error();
      auto decided = D::decide(command, root->state);
      if (!decided) return decided.error();
      if (decided->empty()) return Executed{root->version, 0, attempt};
      UnitOfWork work(store_, context);
      const std::size_t count = decided->size();
      stage(work, *root, std::move(*decided));
      Status committed = work.commit();
      if (committed.is_ok()) return Executed{root->version, count, attempt};
      if (committed.code() != StatusCode::kConflict || attempt >= options_.max_attempts) {
        return committed;
      }
      ++stats_.conflict_retries;
    }
  }

  // The store this repository reads and appends to (a UnitOfWork across repositories needs it).
  [[nodiscard]] EventStore& store() const { return store_; }

  [[nodiscard]] RepositoryStats stats() const {
    return {stats_.loads,           stats_.events_replayed,
            stats_.snapshot_loads,  stats_.snapshot_failures,
            stats_.snapshots_taken, stats_.cache_hits,
            stats_.conflict_retries};
  }

 private:
  static constexpr std::int64_t kUnbounded = INT64_MAX;

  // A cached aggregate and the first version folded into it: it stands for a full replay only
  // while that is still the stream's first readable version (no delete or retention cut since).
  struct Cached {
    Root root;
    std::int64_t first = 0;
  };

  struct Counters {
    std::atomic<std::uint64_t> loads{0}, events_replayed{0}, snapshot_loads{0},
        snapshot_failures{0}, snapshots_taken{0}, cache_hits{0}, conflict_retries{0};
  };

  // Adds one aggregate's encoded events to `work`. On commit `fold` brings the root up to date,
  // then its version, snapshot and cache follow.
  void stage_encoded(UnitOfWork& work, Root& root, std::int64_t before,
                     std::vector<EventData> events, std::function<void(Root&)> fold) {
    assert(&work.store() == &store_ && "a unit of work commits to one store");
    std::string stream = stream_of<A>(Traits::id(root));
    work.add(stream, ExpectedVersion::exact(before), std::move(events),
             [this, &root, stream, before, fold = std::move(fold)](const AppendResult& r) {
               fold(root);
               Traits::set_version(root, r.last_version);
               after_save(stream, root, before);
             });
  }

  static std::string snapshot_type() { return std::string(Traits::kCategory) + ":snapshot"; }

  static EventData encode(const EventVariant& event, const std::string& metadata) {
    EventData data = Events::encode(event);
    data.id = Uuid::v7();
    data.metadata = metadata;
    return data;
  }

  // Decodes one stored payload (upcast first when a step applies) and folds it into `root`.
  Status fold(Root& root, std::string_view type, std::int32_t schema_version, std::string_view data,
              EventVariant& scratch) {
    if (options_.upcasters != nullptr && options_.upcasters->applies_to(type, schema_version)) {
      std::vector<StoredPayload> current;
      ES_RETURN_IF_ERROR(options_.upcasters->upcast(
          {std::string(type), schema_version, std::string(data)}, current));
      for (const StoredPayload& p : current) {
        ES_RETURN_IF_ERROR(Events::decode(p.type, p.schema_version, p.data, scratch));
        Traits::evolve(root, scratch);
      }
      return Status::ok();
    }
    ES_RETURN_IF_ERROR(Events::decode(type, schema_version, data, scratch));
    Traits::evolve(root, scratch);
    return Status::ok();
  }

  // A starting point before replay: from the cache (unbounded loads) or a snapshot that fits
  // the bounds. Returns the version it includes, 0 when starting from scratch, and sets `first`
  // to the first version folded into it (a snapshot is taken only of a stream read from 1).
  std::int64_t start_point(const std::string& stream, Root& root, std::int64_t at_version,
                           const std::optional<Timestamp>& as_of, std::int64_t& first) {
    if (at_version == kUnbounded && !as_of && cache_.capacity() > 0) {
      if (auto hit = cache_.get(stream)) {
        ++stats_.cache_hits;
        root = std::move(hit->root);
        first = hit->first;
        return Traits::version(root);
      }
    }
    first = 1;
    if constexpr (kSnapshottable) {
      if (options_.snapshots == nullptr) return 0;
      auto snapshot = options_.snapshots->load(stream);
      if (!snapshot || !snapshot->has_value()) {
        if (!snapshot) ++stats_.snapshot_failures;
        return 0;
      }
      const Snapshot& s = **snapshot;
      if (s.version > at_version || (as_of && s.recorded_at > *as_of)) return 0;
      StoredPayload payload{s.type, s.schema_version, s.data};
      std::vector<StoredPayload> current;
      if (options_.upcasters != nullptr &&
          !options_.upcasters->upcast(std::move(payload), current).is_ok()) {
        current.clear();
      } else if (options_.upcasters == nullptr) {
        current.push_back(std::move(payload));
      }
      if (current.size() != 1 || current[0].type != snapshot_type() ||
          current[0].schema_version != static_cast<std::int32_t>(A::kSnapshotVersion) ||
          !json_decode(current[0].data, Traits::state(root)).is_ok()) {
        ++stats_.snapshot_failures;
        root = Traits::make(Traits::id(root));
        return 0;
      }
      Traits::set_version(root, s.version);
      ++stats_.snapshot_loads;
      return s.version;
    }
    return 0;
  }

  Result<Root> load_bounded(std::string_view id, std::int64_t at_version,
                            std::optional<Timestamp> as_of) {
    ++stats_.loads;
    const std::string stream = stream_of<A>(id);
    Root root = Traits::make(std::string(id));
    std::int64_t first = 0;
    std::int64_t base = start_point(stream, root, at_version, as_of, first);
    for (int pass = 0; pass < 2; ++pass) {
      auto replayed = replay(stream, root, base, at_version, as_of, first);
      if (!replayed) return replayed.error();
      if (*replayed && base > 0) {
        // Deleted or cut by retention since the starting point was made: it holds events a full
        // replay no longer reads, even when the numbering goes on right after it. Read after
        // the replay, so a delete made while it ran shows too.
        auto readable = first_readable(stream, as_of);
        if (!readable) return readable.error();
        *replayed = *readable == first;
      }
      if (*replayed) break;
      // The starting point does not fit the stream (deleted or truncated since): from scratch.
      base = discard_start(root, id);
    }
    if (at_version == kUnbounded && !as_of) cache_.put(stream, Cached{root, first});
    return root;
  }

  std::int64_t discard_start(Root& root, std::string_view id) {
    ++stats_.snapshot_failures;
    root = Traits::make(std::string(id));
    return 0;
  }

  // The version of the stream's first readable event (as of `as_of`), 0 when none is.
  Result<std::int64_t> first_readable(const std::string& stream,
                                      const std::optional<Timestamp>& as_of) {
    std::int64_t version = 0;
    ES_RETURN_IF_ERROR(store_.visit_stream(
        stream, {.max_count = 1, .as_of = as_of, .fields = EventFields::kPayload},
        [&](const RecordedEvent& e) {
          version = e.version;
          return false;
        }));
    return version;
  }

  // Folds the events after `base` into `root`; from scratch (`base` 0), sets `first` to the
  // first version folded. False when `base` > 0 and the stream does not continue right after it,
  // so the starting point must be discarded.
  Result<bool> replay(const std::string& stream, Root& root, std::int64_t base,
                      std::int64_t at_version, const std::optional<Timestamp>& as_of,
                      std::int64_t& first) {
    if (base == 0) first = 0;
    EventVariant scratch;
    Status failed;
    std::int64_t last = base;
    bool fits = true;
    // A load at a version reads no further than it: max_count bounds each internal read.
    ReadStreamOptions options{
        .from_version = base + 1,
        .max_count = at_version == kUnbounded
                         ? kUnlimited
                         : static_cast<std::uint64_t>(std::max<std::int64_t>(at_version - base, 1)),
        .as_of = as_of,
        .fields = EventFields::kPayload};
    ES_RETURN_IF_ERROR(store_.visit_stream(stream, options, [&](const RecordedEvent& e) {
      if (e.version > at_version) return false;
      if (base > 0 && last == base && e.version != base + 1) {
        fits = false;
        return false;
      }
      failed = fold(root, e.type, e.schema_version, e.data, scratch);
      if (!failed.is_ok()) {
        failed =
            Status(failed.code(), "stream '" + stream + "' version " + std::to_string(e.version) +
                                      ": " + std::string(failed.message()));
        return false;
      }
      if (first == 0) first = e.version;
      last = e.version;
      ++stats_.events_replayed;
      return true;
    }));
    ES_RETURN_IF_ERROR(failed);
    if (!fits) return false;
    if (base > 0 && last == base) {
      // Nothing after the starting point: it is current only if the stream is live at `base`.
      auto info = store_.stream_info(stream);
      if (!info) return info.error();
      if (info->state != StreamState::kLive || info->version < base) return false;
    }
    Traits::set_version(root, last);
    return true;
  }

  void after_save(const std::string& stream, Root& root, std::int64_t before) {
    const std::int64_t after = Traits::version(root);
    // The cached entry this root was loaded from tells what it was folded from; without one
    // (no cache, evicted, or a root loaded elsewhere) nothing is known.
    auto loaded = cache_.capacity() > 0 ? cache_.get(stream) : std::nullopt;
    if (loaded && Traits::version(loaded->root) != before) loaded.reset();
    if constexpr (kSnapshottable) {
      const std::int64_t every = options_.snapshot_every;
      // Not of a root known to hold less than the whole stream (a retention cut lifted since).
      const bool whole = !loaded || loaded->first <= 1;
      if (every > 0 && options_.snapshots != nullptr && before / every != after / every && whole) {
        take_snapshot(stream, root, after);
      }
    }
    if (cache_.capacity() == 0) return;
    if (loaded) {
      // Loaded with nothing readable: this save wrote the first readable version.
      cache_.put(stream, Cached{root, loaded->first != 0 ? loaded->first : before + 1});
    } else {
      cache_.erase(stream);
    }
  }

  void take_snapshot(const std::string& stream, const Root& root, std::int64_t version) {
    // Only a stream read from its first version: a load uses a snapshot only then.
    auto readable = first_readable(stream, std::nullopt);
    if (!readable || *readable != 1) {
      ++stats_.snapshot_failures;
      return;
    }
    // The snapshot's time is its last event's, so as_of loads use it only when it fits.
    auto last = store_.read_stream(stream, {.from_version = version, .max_count = 1});
    if (!last || last->events.empty() || last->events[0].version != version) {
      ++stats_.snapshot_failures;
      return;
    }
    Snapshot s{stream,
               version,
               snapshot_type(),
               static_cast<std::int32_t>(A::kSnapshotVersion),
               json_encode(Traits::state(root)),
               last->events[0].recorded_at};
    if (options_.snapshots->save(s).is_ok())
      ++stats_.snapshots_taken;
    else
      ++stats_.snapshot_failures;
  }

  EventStore& store_;
  RepositoryOptions options_;
  LruCache<std::string, Cached> cache_;
  Counters stats_;
};

}  // namespace es
