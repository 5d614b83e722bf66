// W3s: with a snapshot every 100 events, loading an aggregate costs the same whether its stream
// holds 10,000 or 1,000,000 events (issue 3's target). The streams are written the way an
// application writes them — Repository::execute, which snapshots whenever a save crosses a
// multiple of 100 — and then loaded repeatedly; one full replay of the long stream without
// snapshots is timed for contrast.
#include <fmt/format.h>

#include "es/domain/repository.h"
#include "families.h"

namespace es::bench {
namespace {

constexpr std::int64_t kSnapshotEvery = 100;
constexpr std::int64_t kEventsPerCommand = 100;
constexpr int kLoads = 200;

struct Long {
  std::string id;
  std::int64_t events = 0;
  double median_us = 0;
  double total_s = 0;
  bool verified = false;
};

// Writes `events` items to agg-<id> through execute(), then loads it kLoads times.
Status measure(Repository<ItemCart>& carts, Long& s) {
  const std::string stream = stream_of<ItemCart>(s.id);
  for (std::int64_t seq = 0; seq < s.events; seq += kEventsPerCommand) {
    auto done =
        carts.execute(s.id, AddItems{stream, seq, std::min(kEventsPerCommand, s.events - seq)});
    if (!done) return done.error();
  }
  std::vector<double> micros;
  bool good = true;
  for (int k = 0; k < kLoads; ++k) {
    const Stopwatch watch;
    auto loaded = carts.load(s.id);
    micros.push_back(watch.micros());
    s.total_s += watch.seconds();
    good = good && loaded && loaded->version == s.events && loaded->state.count == s.events &&
           loaded->state.last_seq == s.events - 1;
  }
  s.median_us = percentile(micros, 0.5);
  s.verified = good;
  return Status::ok();
}

}  // namespace

Status run_w3s(RunContext& ctx) {
  Repository<ItemCart> carts(ctx.store,
                             {.snapshot_every = kSnapshotEvery, .snapshots = &ctx.snapshots});
  Long small{"s10k", static_cast<std::int64_t>(scaled(ctx, 10'000, 1'000))};
  Long large{"s1m", static_cast<std::int64_t>(scaled(ctx, 1'000'000, 10'000))};
  ES_RETURN_IF_ERROR(measure(carts, small));
  ES_RETURN_IF_ERROR(measure(carts, large));
  ctx.written += static_cast<std::uint64_t>(small.events + large.events);
  const RepositoryStats stats = carts.stats();

  // The same long stream folded from its first event, once.
  Repository<ItemCart> replaying(ctx.store);
  const Stopwatch watch;
  auto full = replaying.load(large.id);
  const double full_s = watch.seconds();
  const bool full_good = full && full->state.count == large.events;

  Report report{.workload = "W3s",
                .figure = Figure{static_cast<std::uint64_t>(kLoads), large.total_s}};
  report.verified = small.verified && large.verified && full_good &&
                    stats.snapshot_loads >= static_cast<std::uint64_t>(2 * kLoads) &&
                    stats.snapshot_failures == 0;
  report.extra["snapshot_every"] = kSnapshotEvery;
  report.extra["small_stream_events"] = small.events;
  report.extra["small_load_median_us"] = rounded(small.median_us, 1);
  report.extra["large_stream_events"] = large.events;
  report.extra["large_load_median_us"] = rounded(large.median_us, 1);
  report.extra["large_over_small"] = ratio(large.median_us, small.median_us);
  report.extra["large_full_replay_ms"] = rounded(full_s * 1e3, 1);
  report.extra["snapshots_taken"] = stats.snapshots_taken;
  report.extra["note"] = "events and events_per_s count loads of the large stream";
  print(ctx, report);
  return Status::ok();
}

}  // namespace es::bench
