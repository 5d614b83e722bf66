// W1, W2, W5 and W5c: appends with exact expected versions, alone, in batches, from several
// threads at once, and racing on one stream.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "baseline.h"
#include "families.h"

namespace es::bench {
namespace {

// Single appends of one event each, round-robin over `streams`: append i goes to stream
// i % streams.size() as its event number i / streams.size(), so a stream's event at version v
// carries item_data(stream, v - 1).
struct SingleAppends {
  std::vector<std::string> streams;
  std::vector<EventData> events;
};

SingleAppends plan_single(std::vector<std::string> streams, std::uint64_t appends) {
  SingleAppends plan;
  plan.streams = std::move(streams);
  plan.events.reserve(appends);
  for (std::uint64_t i = 0; i < appends; ++i) {
    plan.events.push_back(
        item_event(plan.streams[i % plan.streams.size()], i / plan.streams.size()));
  }
  return plan;
}

struct Outcome {
  std::vector<std::int64_t> versions;  // each stream's version so far
  std::vector<double> latencies_us;
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::string first_error;
  double seconds = 0;  // summed over the chunks that ran

  void fail(const Status& status) {
    if (failed++ == 0) first_error = status.to_string();
  }
};

Outcome start_outcome(const SingleAppends& plan) {
  Outcome out;
  out.versions.assign(plan.streams.size(), 0);
  out.latencies_us.reserve(plan.events.size());
  return out;
}

// Appends plan.events[from, to) one at a time, each with exact(the version the previous append
// of its stream returned), through `append_one(stream, expected, event)` -> Result<new version>.
template <typename AppendOne>
void append_range(const SingleAppends& plan, std::size_t from, std::size_t to, Outcome& out,
                  AppendOne&& append_one) {
  const Stopwatch chunk;
  for (std::size_t i = from; i < to; ++i) {
    const std::size_t s = i % plan.streams.size();
    const Stopwatch watch;
    Result<std::int64_t> version = append_one(plan.streams[s], out.versions[s], plan.events[i]);
    out.latencies_us.push_back(watch.micros());
    if (!version) {
      out.fail(version.error());
      continue;
    }
    out.versions[s] = *version;
    ++out.ok;
  }
  out.seconds += chunk.seconds();
}

auto library_appender(EventStore& store) {
  return [&store](std::string_view stream, std::int64_t expected,
                  const EventData& event) -> Result<std::int64_t> {
    auto result = store.append(stream, ExpectedVersion::exact(expected), {&event, 1});
    if (!result) return result.error();
    return result->last_version;
  };
}

auto raw_appender(Baseline& baseline) {
  return [&baseline](std::string_view stream, std::int64_t expected, const EventData& event) {
    return baseline.append(stream, expected, {&event, 1});
  };
}

// Chunk k of n of [0, size): the library and the baseline take turns chunk by chunk, so both see
// the same moods of a shared, noisy disk (one after the other, their ratio swung 0.2-1.2 here).
constexpr std::size_t kChunks = 20;
std::size_t chunk_begin(std::size_t size, std::size_t k, std::size_t n) { return size * k / n; }

// Reads every stream back: want[k] events at versions 1..want[k], each with its own payload.
struct ReadBack {
  std::uint64_t events = 0;
  std::uint64_t bad_streams = 0;
  std::string first_problem;
};

ReadBack read_back(EventStore& store, const std::vector<std::string>& streams,
                   const std::vector<std::int64_t>& want) {
  ReadBack back;
  for (std::size_t k = 0; k < streams.size(); ++k) {
    auto slice = store.read_stream(streams[k]);
    bool good = slice.has_value() && slice->events.size() == static_cast<std::size_t>(want[k]);
    if (slice) {
      back.events += slice->events.size();
      for (std::size_t i = 0; good && i < slice->events.size(); ++i) {
        const RecordedEvent& e = slice->events[i];
        good = e.version == static_cast<std::int64_t>(i + 1) && e.stream == streams[k] &&
               e.type == "ItemAdded" && e.data == item_data(streams[k], i);
      }
    }
    if (!good && back.bad_streams++ == 0) {
      back.first_problem = slice ? fmt::format("stream '{}' does not hold its {} appended events",
                                               streams[k], want[k])
                                 : slice.error().to_string();
    }
  }
  return back;
}

// The baseline's check: every stream row at its version and the expected number of rows.
bool baseline_holds(Baseline& baseline, const std::vector<std::string>& streams,
                    const std::vector<std::int64_t>& want, std::uint64_t total_rows) {
  for (std::size_t k = 0; k < streams.size(); ++k) {
    auto version = baseline.stream_version(streams[k]);
    if (!version || *version != want[k]) return false;
  }
  auto rows = baseline.event_count();
  return rows && static_cast<std::uint64_t>(*rows) == total_rows;
}

std::vector<std::string> stream_names(std::string_view prefix, std::uint64_t count) {
  std::vector<std::string> names;
  names.reserve(count);
  const int width = count > 1000 ? 4 : 3;
  for (std::uint64_t s = 0; s < count; ++s)
    names.push_back(fmt::format("{}{:0{}}", prefix, s, width));
  return names;
}

void add_latencies(Report& report, std::vector<double>& micros) {
  report.extra["p50_us"] = rounded(percentile(micros, 0.50), 1);
  report.extra["p99_us"] = rounded(percentile(micros, 0.99), 1);
}

void add_failures(Report& report, const Outcome& out) {
  report.extra["failed"] = out.failed;
  if (out.failed > 0) report.extra["first_error"] = out.first_error;
}

void add_durability(const RunContext& ctx, Report& report) {
  if (ctx.backend == "sqlite") report.extra["synchronous"] = "FULL";
  if (ctx.backend == "postgres" && ctx.baseline != nullptr) {
    report.extra["durability"] = ctx.baseline->durability();
  }
}

// One W5 configuration: `writers` threads, each with its own share of the streams and
// `per_stream` appends on each of them. Run in rounds, each round a slice of every writer's plan.
struct Concurrent {
  std::size_t writers = 0;
  std::vector<SingleAppends> plans;  // one per writer
  std::vector<Outcome> outcomes;
  double seconds = 0;
};

Concurrent plan_concurrent(std::size_t writers, std::uint64_t streams, std::uint64_t per_stream) {
  const auto all = stream_names(fmt::format("w5x{}-", writers), streams);
  Concurrent c;
  c.writers = writers;
  for (std::size_t w = 0; w < writers; ++w) {
    std::vector<std::string> own;
    for (std::size_t s = w; s < all.size(); s += writers) own.push_back(all[s]);
    const std::uint64_t appends = per_stream * own.size();
    c.plans.push_back(plan_single(std::move(own), appends));
    c.outcomes.push_back(start_outcome(c.plans.back()));
  }
  return c;
}

// Round k of n: every writer appends its slice k at the same time; the clock runs from the
// release of all threads to the last one's end.
void run_round(EventStore& store, Concurrent& c, std::size_t k, std::size_t n) {
  std::latch ready(static_cast<std::ptrdiff_t>(c.writers) + 1);
  std::latch go(1);
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < c.writers; ++w) {
    threads.emplace_back([&, w] {
      const std::size_t size = c.plans[w].events.size();
      ready.arrive_and_wait();
      go.wait();
      append_range(c.plans[w], chunk_begin(size, k, n), chunk_begin(size, k + 1, n), c.outcomes[w],
                   library_appender(store));
    });
  }
  ready.arrive_and_wait();
  const Stopwatch watch;
  go.count_down();
  for (std::thread& t : threads) t.join();
  c.seconds += watch.seconds();
}

// The figure of a configuration and its verification: every stream read back.
struct ConcurrentResult {
  Figure figure;
  Outcome merged;
  ReadBack back;
  bool verified = false;
};

ConcurrentResult finish(RunContext& ctx, Concurrent& c, std::uint64_t expected_events) {
  ConcurrentResult r;
  r.figure.seconds = c.seconds;
  std::vector<std::string> names;
  std::vector<std::int64_t> want;
  for (std::size_t w = 0; w < c.writers; ++w) {
    Outcome& out = c.outcomes[w];
    r.figure.events += out.ok;
    r.merged.ok += out.ok;
    r.merged.failed += out.failed;
    if (r.merged.first_error.empty()) r.merged.first_error = out.first_error;
    r.merged.latencies_us.insert(r.merged.latencies_us.end(), out.latencies_us.begin(),
                                 out.latencies_us.end());
    names.insert(names.end(), c.plans[w].streams.begin(), c.plans[w].streams.end());
    want.insert(want.end(), out.versions.begin(), out.versions.end());
  }
  ctx.written += r.figure.events;
  r.back = read_back(ctx.store, names, want);
  r.verified = r.merged.failed == 0 && r.back.bad_streams == 0 && r.back.events == expected_events;
  return r;
}

}  // namespace

Status run_w1(RunContext& ctx) {
  const std::uint64_t streams = scaled(ctx, 1'000);
  const std::uint64_t appends = scaled(ctx, 20'000);
  const SingleAppends plan = plan_single(stream_names("w1-", streams), appends);

  Outcome out = start_outcome(plan);
  Outcome raw = start_outcome(plan);
  for (std::size_t k = 0; k < kChunks; ++k) {
    const std::size_t from = chunk_begin(plan.events.size(), k, kChunks);
    const std::size_t to = chunk_begin(plan.events.size(), k + 1, kChunks);
    append_range(plan, from, to, out, library_appender(ctx.store));
    if (ctx.baseline != nullptr) append_range(plan, from, to, raw, raw_appender(*ctx.baseline));
  }
  const Figure figure{out.ok, out.seconds};
  ctx.written += out.ok;
  ctx.w1 = figure;

  Report report{.workload = "W1", .figure = figure};
  if (ctx.baseline != nullptr) {
    report.baseline = Figure{raw.ok, raw.seconds};
    ctx.baseline_written += raw.ok;
    report.extra["baseline_verified"] =
        raw.failed == 0 &&
        baseline_holds(*ctx.baseline, plan.streams, raw.versions, ctx.baseline_written);
    report.extra["baseline_p50_us"] = rounded(percentile(raw.latencies_us, 0.50), 1);
    report.extra["baseline_p99_us"] = rounded(percentile(raw.latencies_us, 0.99), 1);
    report.extra["target_ratio"] = 0.9;
    report.extra["interleaved_chunks"] = kChunks;
  }
  const ReadBack back = read_back(ctx.store, plan.streams, out.versions);
  report.verified = out.failed == 0 && back.bad_streams == 0 && back.events == appends;
  report.extra["streams"] = streams;
  add_latencies(report, out.latencies_us);
  add_failures(report, out);
  if (back.bad_streams > 0) report.extra["problem"] = back.first_problem;
  add_durability(ctx, report);
  print(ctx, report);
  return Status::ok();
}

Status run_w2(RunContext& ctx) {
  constexpr std::uint64_t kBatch = 100;
  const std::uint64_t streams = scaled(ctx, 2'000);
  const auto names = stream_names("w2-", streams);
  std::vector<std::vector<EventData>> batches(streams);
  for (std::uint64_t s = 0; s < streams; ++s) {
    for (std::uint64_t j = 0; j < kBatch; ++j) batches[s].push_back(item_event(names[s], j));
  }

  Outcome out, raw;
  out.versions.assign(streams, 0);
  raw.versions.assign(streams, 0);
  for (std::size_t k = 0; k < kChunks; ++k) {
    const std::size_t from = chunk_begin(streams, k, kChunks);
    const std::size_t to = chunk_begin(streams, k + 1, kChunks);
    const Stopwatch watch;
    for (std::size_t s = from; s < to; ++s) {
      auto result = ctx.store.append(names[s], ExpectedVersion::no_stream(), batches[s]);
      if (!result) {
        out.fail(result.error());
        continue;
      }
      out.versions[s] = result->last_version;
      out.ok += kBatch;
    }
    out.seconds += watch.seconds();
    if (ctx.baseline == nullptr) continue;
    const Stopwatch raw_watch;
    for (std::size_t s = from; s < to; ++s) {
      auto version = ctx.baseline->append(names[s], 0, batches[s]);
      if (!version) {
        raw.fail(version.error());
        continue;
      }
      raw.versions[s] = *version;
      raw.ok += kBatch;
    }
    raw.seconds += raw_watch.seconds();
  }
  const Figure figure{out.ok, out.seconds};
  ctx.written += out.ok;

  Report report{.workload = "W2", .figure = figure};
  if (ctx.baseline != nullptr) {
    report.baseline = Figure{raw.ok, raw.seconds};
    ctx.baseline_written += raw.ok;
    report.extra["baseline_verified"] =
        raw.failed == 0 && baseline_holds(*ctx.baseline, names, raw.versions, ctx.baseline_written);
    report.extra["target_ratio"] = 0.8;
    report.extra["interleaved_chunks"] = kChunks;
  }
  const ReadBack back = read_back(ctx.store, names, out.versions);
  report.verified = out.failed == 0 && back.bad_streams == 0 && back.events == streams * kBatch;
  report.extra["appends"] = streams;
  report.extra["batch"] = kBatch;
  add_failures(report, out);
  if (back.bad_streams > 0) report.extra["problem"] = back.first_problem;
  add_durability(ctx, report);
  print(ctx, report);
  return Status::ok();
}

Status run_w5(RunContext& ctx) {
  constexpr std::size_t kRounds = 5;
  const std::uint64_t streams = scaled(ctx, 1'000, 16);
  const std::uint64_t per_stream = std::max<std::uint64_t>(1, scaled(ctx, 20'000) / streams);
  const std::uint64_t total = streams * per_stream;
  // A single writer, 4 and 16 writers (and the raw engine's single writer) take turns round by
  // round, so their ratios are taken under the same disk weather; W1 stays the stated yardstick.
  std::vector<Concurrent> configs;
  for (const std::size_t writers : {std::size_t{1}, std::size_t{4}, std::size_t{16}}) {
    configs.push_back(plan_concurrent(writers, streams, per_stream));
  }
  const SingleAppends raw_plan = plan_single(stream_names("w5x1-", streams), total);
  Outcome raw = start_outcome(raw_plan);
  for (std::size_t k = 0; k < kRounds; ++k) {
    for (Concurrent& c : configs) run_round(ctx.store, c, k, kRounds);
    if (ctx.baseline != nullptr) {
      append_range(raw_plan, chunk_begin(total, k, kRounds), chunk_begin(total, k + 1, kRounds),
                   raw, raw_appender(*ctx.baseline));
    }
  }
  std::optional<Figure> raw_single;
  if (ctx.baseline != nullptr) {
    raw_single = Figure{raw.ok, raw.seconds};
    ctx.baseline_written += raw.ok;
  }

  std::optional<Figure> single;
  for (Concurrent& c : configs) {
    ConcurrentResult r = finish(ctx, c, total);
    if (c.writers == 1) single = r.figure;
    Report report{.workload = "W5", .figure = r.figure, .verified = r.verified};
    // The raw engine's single writer: the fsync-bound rate that group commit must beat.
    report.baseline = raw_single;
    report.extra["writers"] = c.writers;
    if (c.writers > 1) {
      if (ctx.w1) {
        report.extra["ratio_to_w1"] = ratio(r.figure.rate(), ctx.w1->rate());
        report.extra["w1_events_per_s"] = std::llround(ctx.w1->rate());
      }
      report.extra["ratio_to_1_writer"] = ratio(r.figure.rate(), single->rate());
      if (ctx.backend == "sqlite") {
        report.extra["target_ratio_to_w1"] = c.writers == 4 ? 2.5 : 6.0;
      }
      if (ctx.backend == "postgres" && c.writers == 16) report.extra["target_ratio_to_w1"] = 4.0;
    }
    report.extra["interleaved_rounds"] = kRounds;
    add_latencies(report, r.merged.latencies_us);
    add_failures(report, r.merged);
    if (r.back.bad_streams > 0) report.extra["problem"] = r.back.first_problem;
    add_durability(ctx, report);
    print(ctx, report);
  }
  return Status::ok();
}

Status run_w5c(RunContext& ctx) {
  const std::string name = "conflict-0001";
  const std::uint64_t rounds = scaled(ctx, 200);
  std::vector<std::array<EventData, 2>> events(rounds);
  for (std::uint64_t r = 0; r < rounds; ++r) {
    events[r] = {item_event(name, r * 2), item_event(name, r * 2 + 1)};
  }
  struct Counts {
    std::uint64_t correct = 0, one_winner = 0, zero_winners = 0, two_winners = 0, conflicts = 0,
                  other_errors = 0, wins = 0;
  } c;
  std::vector<int> winner(rounds, -1);  // which of the two won each round
  std::string first_other;

  const Stopwatch watch;
  for (std::uint64_t r = 0; r < rounds; ++r) {
    auto info = ctx.store.stream_info(name);
    if (!info) return info.error();
    const ExpectedVersion expected = ExpectedVersion::exact(info->version);
    std::array<Status, 2> outcome;
    std::latch go(3);
    std::array<std::thread, 2> racers;
    for (std::size_t k = 0; k < 2; ++k) {
      racers[k] = std::thread([&, k] {
        go.arrive_and_wait();
        auto result =
            ctx.store.append(name, expected, std::span<const EventData>(&events[r][k], 1));
        outcome[k] = result ? Status::ok() : result.error();
      });
    }
    go.arrive_and_wait();
    for (std::thread& t : racers) t.join();
    std::uint64_t wins = 0, conflicts = 0;
    for (std::size_t k = 0; k < 2; ++k) {
      if (outcome[k].is_ok()) {
        ++wins;
        winner[r] = static_cast<int>(k);
      } else if (outcome[k].code() == StatusCode::kConflict) {
        ++conflicts;
      } else if (c.other_errors++ == 0) {
        first_other = outcome[k].to_string();
      }
    }
    c.wins += wins;
    c.conflicts += conflicts;
    if (wins == 1 && conflicts == 1) ++c.correct;
    if (wins == 1)
      ++c.one_winner;
    else if (wins == 0)
      ++c.zero_winners;
    else
      ++c.two_winners;
  }
  const Figure figure{c.wins, watch.seconds()};
  ctx.written += c.wins;

  // The stream holds exactly the winners, in round order, at versions 1..wins.
  auto slice = ctx.store.read_stream(name);
  bool holds_winners = slice.has_value() && slice->events.size() == c.wins;
  for (std::size_t i = 0; holds_winners && i < slice->events.size(); ++i) {
    const int k = winner[i];
    holds_winners = k >= 0 && slice->events[i].version == static_cast<std::int64_t>(i + 1) &&
                    slice->events[i].data == events[i][static_cast<std::size_t>(k)].data;
  }

  // Sequential checks on a fresh stream (peers/README.md, "W5 sequential checks").
  const std::string seq = "conflict-seq";
  const EventData one = item_event(seq, 0);
  auto attempt = [&](ExpectedVersion expected) -> std::string {
    auto result = ctx.store.append(seq, expected, std::span<const EventData>(&one, 1));
    if (result) {
      ++ctx.written;
      return "accepted";
    }
    return result.error().code() == StatusCode::kConflict ? "conflict"
                                                          : "error: " + result.error().to_string();
  };
  nlohmann::ordered_json sequential;
  sequential["create_v0"] = attempt(ExpectedVersion::exact(0));
  sequential["append_v1"] = attempt(ExpectedVersion::exact(1));
  sequential["stale_v1"] = attempt(ExpectedVersion::exact(1));
  sequential["after_stale_v2"] = attempt(ExpectedVersion::exact(2));
  sequential["no_stream_on_existing"] = attempt(ExpectedVersion::no_stream());
  const bool sequential_ok =
      sequential["create_v0"] == "accepted" && sequential["append_v1"] == "accepted" &&
      sequential["stale_v1"] == "conflict" && sequential["after_stale_v2"] == "accepted" &&
      sequential["no_stream_on_existing"] == "conflict";

  Report report{.workload = "W5c", .figure = figure};
  report.verified = c.correct == rounds && holds_winners && sequential_ok;
  report.extra["rounds"] = rounds;
  report.extra["correct_rounds"] = c.correct;
  report.extra["one_winner"] = c.one_winner;
  report.extra["zero_winners"] = c.zero_winners;
  report.extra["two_winners"] = c.two_winners;
  report.extra["conflicts"] = c.conflicts;
  report.extra["other_errors"] = c.other_errors;
  if (!first_other.empty()) report.extra["first_other_error"] = first_other;
  report.extra["stream_holds_winners"] = holds_winners;
  report.extra["sequential_ok"] = sequential_ok;
  report.extra["sequential"] = sequential;
  report.extra["note"] = "events = winning appends; not a throughput figure";
  print(ctx, report);
  return Status::ok();
}

}  // namespace es::bench
