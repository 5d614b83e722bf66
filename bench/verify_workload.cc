// WV: the hash chain's verification speed (docs/security.md; issue 6 asks for >= 1,000,000
// events/s): 1,000,000 events written as W2 writes them (batches of 100, 10,000 new streams),
// then EventStore::verify() over the whole store — what `es verify` runs.
#include <fmt/format.h>

#include "families.h"

namespace es::bench {

Status run_wv(RunContext& ctx) {
  constexpr std::uint64_t kBatch = 100;
  const std::uint64_t streams = scaled(ctx, 10'000);
  std::uint64_t failed = 0;
  const Stopwatch write_watch;
  std::vector<EventData> batch;
  for (std::uint64_t s = 0; s < streams; ++s) {
    const std::string name = fmt::format("wv-{:05}", s);
    batch.clear();
    for (std::uint64_t j = 0; j < kBatch; ++j) batch.push_back(item_event(name, j));
    if (ctx.store.append(name, ExpectedVersion::no_stream(), batch))
      ctx.written += kBatch;
    else
      ++failed;
  }
  const double write_seconds = write_watch.seconds();

  const Stopwatch watch;
  auto verified = ctx.store.verify();
  const double seconds = watch.seconds();
  if (!verified) return verified.error();
  Report report{.workload = "WV", .figure = {verified->events, seconds}};
  report.verified = failed == 0 && verified->intact() && verified->events == ctx.written;
  report.extra["streams_checked"] = verified->streams;
  report.extra["target_events_per_s"] = 1'000'000;
  report.extra["write_seconds"] = rounded(write_seconds, 2);
  if (failed > 0) report.extra["failed_appends"] = failed;
  print(ctx, report);
  return Status::ok();
}

}  // namespace es::bench
