// W1, W2, W5 and W5c: appends with exact expected versions, alone, in batches, from several
// threads at once, and racing on one stream.
#include <fmt/format.h>

#include <algorithm>
#include <latch>
#include <thread>

#include "families.h"
#include "sqlite_baseline.h"

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
  std::vector<std::int64_t> versions;  // each stream's version after the run
  std::vector<double> latencies_us;
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::string first_error;

  void fail(const Status& status) {
    if (failed++ == 0) first_error = status.to_string();
  }
};

// Each append carries exact(the version the previous append of that stream returned).
Outcome append_single(EventStore& store, const SingleAppends& plan) {
  Outcome out;
  out.versions.assign(plan.streams.size(), 0);
  out.latencies_us.reserve(plan.events.size());
  for (std::size_t i = 0; i < plan.events.size(); ++i) {
    const std::size_t s = i % plan.streams.size();
    const Stopwatch watch;
    auto result = store.append(plan.streams[s], ExpectedVersion::exact(out.versions[s]),
                               std::span<const EventData>(&plan.events[i], 1));
    out.latencies_us.push_back(watch.micros());
    if (!result) {
      out.fail(result.error());
      continue;
    }
    out.versions[s] = result->last_version;
    ++out.ok;
  }
  return out;
}

Outcome append_single_raw(SqliteBaseline& baseline, const SingleAppends& plan) {
  Outcome out;
  out.versions.assign(plan.streams.size(), 0);
  out.latencies_us.reserve(plan.events.size());
  for (std::size_t i = 0; i < plan.events.size(); ++i) {
    const std::size_t s = i % plan.streams.size();
    const Stopwatch watch;
    auto version = baseline.append(plan.streams[s], out.versions[s],
                                   std::span<const EventData>(&plan.events[i], 1));
    out.latencies_us.push_back(watch.micros());
    if (!version) {
      out.fail(version.error());
      continue;
    }
    out.versions[s] = *version;
    ++out.ok;
  }
  return out;
}

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
bool baseline_holds(SqliteBaseline& baseline, const std::vector<std::string>& streams,
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
  for (std::uint64_t s = 0; s < count; ++s) names.push_back(fmt::format("{}{:0{}}", prefix, s, width));
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
}

// One W5 pass: `writers` threads, each with its own share of `streams` and `per_stream` appends
// on each of its streams, all started at once.
struct ConcurrentPass {
  Figure figure;
  bool verified = false;
  std::vector<double> latencies_us;
  Outcome merged;
  ReadBack back;
};

ConcurrentPass run_concurrent(RunContext& ctx, std::size_t writers, std::uint64_t streams,
                              std::uint64_t per_stream) {
  const auto all = stream_names(fmt::format("w5x{}-", writers), streams);
  std::vector<SingleAppends> plans(writers);
  for (std::size_t w = 0; w < writers; ++w) {
    std::vector<std::string> own;
    for (std::size_t s = w; s < all.size(); s += writers) own.push_back(all[s]);
    const std::uint64_t appends = per_stream * own.size();
    plans[w] = plan_single(std::move(own), appends);
  }
  std::vector<Outcome> outcomes(writers);
  std::latch ready(static_cast<std::ptrdiff_t>(writers) + 1);
  std::latch go(1);
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      ready.arrive_and_wait();
      go.wait();
      outcomes[w] = append_single(ctx.store, plans[w]);
    });
  }
  ready.arrive_and_wait();
  const Stopwatch watch;
  go.count_down();
  for (std::thread& t : threads) t.join();
  ConcurrentPass pass;
  pass.figure.seconds = watch.seconds();

  std::vector<std::string> names;
  std::vector<std::int64_t> want;
  for (std::size_t w = 0; w < writers; ++w) {
    Outcome& out = outcomes[w];
    pass.figure.events += out.ok;
    pass.merged.ok += out.ok;
    pass.merged.failed += out.failed;
    if (pass.merged.first_error.empty()) pass.merged.first_error = out.first_error;
    pass.latencies_us.insert(pass.latencies_us.end(), out.latencies_us.begin(),
                             out.latencies_us.end());
    names.insert(names.end(), plans[w].streams.begin(), plans[w].streams.end());
    want.insert(want.end(), out.versions.begin(), out.versions.end());
  }
  ctx.written += pass.figure.events;
  pass.back = read_back(ctx.store, names, want);
  pass.verified = pass.merged.failed == 0 && pass.back.bad_streams == 0 &&
                  pass.back.events == streams * per_stream;
  return pass;
}

}  // namespace

Status run_w1(RunContext& ctx) {
  const std::uint64_t streams = scaled(ctx, 1'000);
  const std::uint64_t appends = scaled(ctx, 20'000);
  const SingleAppends plan = plan_single(stream_names("w1-", streams), appends);

  const Stopwatch watch;
  Outcome out = append_single(ctx.store, plan);
  const Figure figure{out.ok, watch.seconds()};
  ctx.written += out.ok;
  ctx.w1 = figure;

  Report report{.workload = "W1", .figure = figure};
  if (ctx.baseline != nullptr) {
    const Stopwatch raw_watch;
    Outcome raw = append_single_raw(*ctx.baseline, plan);
    report.baseline = Figure{raw.ok, raw_watch.seconds()};
    ctx.w1_baseline = report.baseline;
    ctx.baseline_written += raw.ok;
    report.extra["baseline_verified"] =
        raw.failed == 0 &&
        baseline_holds(*ctx.baseline, plan.streams, raw.versions, ctx.baseline_written);
    report.extra["baseline_p50_us"] = rounded(percentile(raw.latencies_us, 0.50), 1);
    report.extra["baseline_p99_us"] = rounded(percentile(raw.latencies_us, 0.99), 1);
    report.extra["target_ratio"] = 0.9;
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

  Outcome out;
  out.versions.assign(streams, 0);
  const Stopwatch watch;
  for (std::uint64_t s = 0; s < streams; ++s) {
    auto result = ctx.store.append(names[s], ExpectedVersion::no_stream(), batches[s]);
    if (!result) {
      out.fail(result.error());
      continue;
    }
    out.versions[s] = result->last_version;
    out.ok += kBatch;
  }
  const Figure figure{out.ok, watch.seconds()};
  ctx.written += out.ok;

  Report report{.workload = "W2", .figure = figure};
  if (ctx.baseline != nullptr) {
    Outcome raw;
    raw.versions.assign(streams, 0);
    const Stopwatch raw_watch;
    for (std::uint64_t s = 0; s < streams; ++s) {
      auto version = ctx.baseline->append(names[s], 0, batches[s]);
      if (!version) {
        raw.fail(version.error());
        continue;
      }
      raw.versions[s] = *version;
      raw.ok += kBatch;
    }
    report.baseline = Figure{raw.ok, raw_watch.seconds()};
    ctx.baseline_written += raw.ok;
    report.extra["baseline_verified"] =
        raw.failed == 0 && baseline_holds(*ctx.baseline, names, raw.versions, ctx.baseline_written);
    report.extra["target_ratio"] = 0.8;
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
  const std::uint64_t streams = scaled(ctx, 1'000, 16);
  const std::uint64_t per_stream = std::max<std::uint64_t>(1, scaled(ctx, 20'000) / streams);
  // W5's yardstick is W1. When W1 did not run, a one-writer pass of the same shape stands in.
  std::optional<Figure> reference = ctx.w1;
  std::string reference_name = "W1";
  if (!reference) {
    ConcurrentPass single = run_concurrent(ctx, 1, streams, per_stream);
    reference = single.figure;
    reference_name = "W5 with 1 writer";
    Report report{.workload = "W5", .figure = single.figure, .verified = single.verified};
    report.extra["writers"] = 1;
    report.extra["note"] = "reference for ratio_to_w1, as W1 did not run";
    add_latencies(report, single.latencies_us);
    add_failures(report, single.merged);
    add_durability(ctx, report);
    print(ctx, report);
  }
  std::optional<Figure> raw_reference = ctx.w1_baseline;
  if (ctx.baseline != nullptr && !raw_reference) {
    const SingleAppends plan = plan_single(stream_names("w5x1-", streams), streams * per_stream);
    const Stopwatch raw_watch;
    const Outcome raw = append_single_raw(*ctx.baseline, plan);
    raw_reference = Figure{raw.ok, raw_watch.seconds()};
    ctx.baseline_written += raw.ok;
  }

  for (const std::size_t writers : {std::size_t{4}, std::size_t{16}}) {
    ConcurrentPass pass = run_concurrent(ctx, writers, streams, per_stream);
    Report report{.workload = "W5", .figure = pass.figure, .verified = pass.verified};
    // The raw engine's single writer (W1's baseline): the fsync-bound rate group commit must beat.
    if (ctx.baseline != nullptr) report.baseline = raw_reference;
    report.extra["writers"] = writers;
    report.extra["ratio_to_w1"] = ratio(pass.figure.rate(), reference->rate());
    report.extra["w1_events_per_s"] = std::llround(reference->rate());
    if (reference_name != "W1") report.extra["w1_reference"] = reference_name;
    report.extra["target_ratio_to_w1"] = writers == 4 ? 2.5 : 6.0;
    add_latencies(report, pass.latencies_us);
    add_failures(report, pass.merged);
    if (pass.back.bad_streams > 0) report.extra["problem"] = pass.back.first_problem;
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
        auto result = ctx.store.append(name, expected, std::span<const EventData>(&events[r][k], 1));
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
    if (wins == 1) ++c.one_winner;
    else if (wins == 0) ++c.zero_winners;
    else ++c.two_winners;
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
  const bool sequential_ok = sequential["create_v0"] == "accepted" &&
                             sequential["append_v1"] == "accepted" &&
                             sequential["stale_v1"] == "conflict" &&
                             sequential["after_stale_v2"] == "accepted" &&
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
