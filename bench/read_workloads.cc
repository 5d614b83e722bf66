// W3 and W4: loading one long stream and folding it, and reading the whole store in global order
// (the catch-up path of a projection).
#include <fmt/format.h>

#include "baseline.h"
#include "es/domain/repository.h"
#include "families.h"

namespace es::bench {
namespace {

constexpr int kRepeats = 10;
constexpr std::uint64_t kSetupBatch = 100;
constexpr std::uint64_t kPage = 1'000;

// What a fold of the W3 stream must give.
struct FoldCheck {
  std::int64_t events = 0;
  std::int64_t qty = 0;

  [[nodiscard]] bool matches(const ItemTotals& totals, std::int64_t version) const {
    return totals.count == events && totals.qty == qty && totals.last_seq == events - 1 &&
           version == events;
  }
};

}  // namespace

Status run_w3(RunContext& ctx) {
  const std::string id = "0001";
  const std::string name = stream_of<ItemCart>(id);
  const std::uint64_t events = scaled(ctx, 10'000, kSetupBatch);
  FoldCheck check{static_cast<std::int64_t>(events), 0};
  for (std::uint64_t seq = 0; seq < events; ++seq) check.qty += item_qty(seq);

  // Setup, not timed: appends of 100 in both the store and the baseline.
  std::int64_t version = 0;
  std::int64_t raw_version = 0;
  for (std::uint64_t first = 0; first < events; first += kSetupBatch) {
    std::vector<EventData> batch;
    for (std::uint64_t seq = first; seq < std::min(events, first + kSetupBatch); ++seq) {
      batch.push_back(item_event(name, seq));
    }
    auto result = ctx.store.append(name, ExpectedVersion::exact(version), batch);
    if (!result) return result.error();
    version = result->last_version;
    ctx.written += batch.size();
    if (ctx.baseline != nullptr) {
      auto raw = ctx.baseline->append(name, raw_version, batch);
      if (!raw) return raw.error();
      raw_version = *raw;
      ctx.baseline_written += batch.size();
    }
  }

  // An application's load: Repository::load reads the stream's payload columns, decodes each
  // event with the JSON codec and folds it. The baseline runs the same SELECT of those columns
  // through the C API and decodes with the same codec, and where the engine streams (PostgreSQL's
  // binary COPY, which visit_stream uses there) the same rows that way too. The full-row reads
  // without decoding (visit_stream against a raw SELECT of every column) are measured alongside;
  // all take turns repeat by repeat so they see the same machine.
  Repository<ItemCart> carts(ctx.store);
  // One untimed round first, on both sides: a store opens its read connections on first use
  // (PostgreSQL: two for a long stream) while the baseline connects when it is made, and each
  // connection's page cache starts cold. Neither is what a load costs.
  if (auto warm = carts.load(id); !warm) return warm.error();
  if (ctx.baseline != nullptr) {
    const auto ignore = [](std::int64_t, std::string_view) {};
    ES_RETURN_IF_ERROR(ctx.baseline->scan_stream_payload(name, ignore));
    if (auto streamed = ctx.baseline->stream_payload(name, ignore); !streamed) {
      return streamed.error();
    }
  }
  double fold_s = 0, scan_s = 0, raw_fold_s = 0, raw_scan_s = 0, raw_stream_s = 0;
  int good = 0, raw_good = 0, raw_stream_good = 0;
  bool raw_streams = false;
  std::uint64_t bytes = 0;
  for (int k = 0; k < kRepeats; ++k) {
    const Stopwatch fold_watch;
    auto loaded = carts.load(id);
    fold_s += fold_watch.seconds();
    if (loaded && check.matches(loaded->state, loaded->version)) ++good;

    std::int64_t count = 0;
    const Stopwatch scan_watch;
    Status status = ctx.store.visit_stream(name, {}, [&](const RecordedEvent& e) {
      bytes += e.data.size() + e.metadata.size() + e.stream.size() + e.type.size();
      ++count;
      return true;
    });
    scan_s += scan_watch.seconds();
    if (status.is_ok() && count == check.events) ++good;

    if (ctx.baseline == nullptr) continue;
    ItemTotals totals;
    std::int64_t last = 0;
    ItemAdded item;
    bool decoded = true;
    const Stopwatch raw_fold_watch;
    status = ctx.baseline->scan_stream_payload(name, [&](std::int64_t v, std::string_view data) {
      decoded = json_decode(data, item).is_ok() && decoded;
      totals.add(item);
      last = v;
    });
    raw_fold_s += raw_fold_watch.seconds();
    if (status.is_ok() && decoded && check.matches(totals, last)) ++raw_good;

    // The same fold over the engine's streaming read of those rows, where it has one.
    totals = {};
    last = 0;
    const Stopwatch raw_stream_watch;
    auto streamed = ctx.baseline->stream_payload(name, [&](std::int64_t v, std::string_view data) {
      decoded = json_decode(data, item).is_ok() && decoded;
      totals.add(item);
      last = v;
    });
    raw_stream_s += raw_stream_watch.seconds();
    if (!streamed) return streamed.error();
    raw_streams = *streamed;
    if (raw_streams && decoded && check.matches(totals, last)) ++raw_stream_good;

    count = 0;
    const Stopwatch raw_scan_watch;
    status = ctx.baseline->scan_stream(name, [&](std::int64_t, std::string_view) { ++count; });
    raw_scan_s += raw_scan_watch.seconds();
    if (status.is_ok() && count == check.events) ++raw_good;
  }
  const std::uint64_t loaded = events * kRepeats;
  const Figure scan{loaded, scan_s};

  Report report{.workload = "W3", .figure = Figure{loaded, fold_s}};
  report.verified = good == 2 * kRepeats;
  report.extra["no_decode_events_per_s"] = std::llround(scan.rate());
  if (ctx.baseline != nullptr) {
    const Figure raw_scan{loaded, raw_scan_s};
    report.baseline = Figure{loaded, raw_fold_s};
    report.extra["baseline_verified"] = raw_good == 2 * kRepeats;
    report.extra["baseline_no_decode_events_per_s"] = std::llround(raw_scan.rate());
    report.extra["ratio_no_decode"] = ratio(scan.rate(), raw_scan.rate());
    if (raw_streams) {
      const Figure raw_stream{loaded, raw_stream_s};
      report.extra["baseline_stream_events_per_s"] = std::llround(raw_stream.rate());
      report.extra["baseline_stream_verified"] = raw_stream_good == kRepeats;
      report.extra["ratio_to_baseline_stream"] = ratio(report.figure.rate(), raw_stream.rate());
    }
  }
  report.extra["stream_events"] = events;
  report.extra["repeats"] = kRepeats;
  report.extra["fold"] =
      "Repository<ItemCart>::load: JSON codec decode, then {count, qty, lastSeq}";
  report.extra["bytes_touched"] = bytes;
  print(ctx, report);
  return Status::ok();
}

Status run_w4(RunContext& ctx) {
  // Three passes each, the library and the baseline taking turns; the median pass is reported.
  constexpr int kPasses = 3;
  std::vector<double> seconds, raw_seconds;
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  bool verified = true;
  bool raw_verified = true;
  Status status;
  for (int p = 0; p < kPasses; ++p) {
    count = 0;
    bool ordered = true;
    Position last = Position::start();
    ReadAllOptions options;
    options.max_count = kPage;
    const Stopwatch watch;
    status = ctx.store.visit_all(options, [&](const RecordedEvent& e) {
      ordered = ordered && e.position > last;
      last = e.position;
      bytes += e.data.size() + e.metadata.size() + e.stream.size() + e.type.size() +
               e.tenant.size() + e.id.bytes()[15];
      ++count;
      return true;
    });
    seconds.push_back(watch.seconds());
    auto head = ctx.store.head_position();
    verified = verified && status.is_ok() && head.has_value() && count == ctx.written && ordered &&
               last == *head;

    if (ctx.baseline == nullptr) continue;
    const Stopwatch raw_watch;
    auto scan = ctx.baseline->scan_all(static_cast<int>(kPage));
    raw_seconds.push_back(raw_watch.seconds());
    if (!scan) return scan.error();
    raw_verified = raw_verified && scan->count == ctx.baseline_written && scan->ordered;
    bytes += scan->bytes;
  }

  Report report{.workload = "W4", .figure = Figure{count, percentile(seconds, 0.5)}};
  report.verified = verified;
  if (ctx.baseline != nullptr) {
    report.baseline = Figure{ctx.baseline_written, percentile(raw_seconds, 0.5)};
    report.extra["baseline_verified"] = raw_verified;
    report.extra["target_ratio"] = 0.7;
  }
  report.extra["page"] = kPage;
  report.extra["api"] = "visit_all";
  report.extra["passes"] = kPasses;
  report.extra["expected_events"] = ctx.written;
  if (!status.is_ok()) report.extra["error"] = status.to_string();
  report.extra["bytes_touched"] = bytes;
  print(ctx, report);
  return Status::ok();
}

}  // namespace es::bench
