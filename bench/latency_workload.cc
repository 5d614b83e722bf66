// W7: live latency, from just before append() is called to the subscriber's handler, over single
// appends made back to back: first by a thread of this process, then by another process
// (es_bench_appender) writing to the same store — the SQLite file, which the subscriber notices
// by polling its head, or the PostgreSQL database, where LISTEN/NOTIFY wakes it.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>

#include "es/projection/subscription.h"
#include "families.h"
#include "ping.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace es::bench {
namespace {

constexpr std::uint64_t kAppends = 10'000;
constexpr std::chrono::minutes kPatience{5};

struct Phase {
  std::vector<double> latencies_ms;
  std::vector<std::int64_t> received_ns;  // by seq
  bool in_order = true;                   // every ping once, in sequence
  Status status;
};

// Subscribes to `stream` from the head, runs `produce` (which appends `count` pings to it), and
// waits for the handler to have seen everything up to the head.
Phase measure(EventStore& store, const std::string& stream, std::uint64_t count,
              const std::function<Status()>& produce) {
  Phase phase;
  auto head = store.head_position();
  if (!head) return {.status = head.error()};
  std::int64_t next_seq = 0;
  phase.latencies_ms.reserve(count);
  SubscriptionOptions options{.from = *head};
  options.filter.stream_prefix = stream;
  auto sub = Subscription::start(store, options, [&](const RecordedEvent& e) -> Status {
    const std::int64_t received = steady_ns();
    auto ping = parse_ping(e);
    if (!ping) return ping.error();
    phase.in_order = phase.in_order && ping->seq == next_seq;
    next_seq = ping->seq + 1;
    phase.latencies_ms.push_back(static_cast<double>(received - ping->sent_ns) / 1e6);
    phase.received_ns.push_back(received);
    return Status::ok();
  });
  if (!sub) return {.status = sub.error()};
  phase.status = produce();
  auto last = store.head_position();
  if (phase.status.is_ok() && !last) phase.status = last.error();
  if (phase.status.is_ok() && !sub->wait_for(*last, kPatience)) {
    phase.status = sub->status().is_ok() ? Status::unavailable("W7: the subscriber fell silent")
                                         : sub->status();
  }
  const Status stopped = sub->stop();
  if (phase.status.is_ok()) phase.status = stopped;
  phase.in_order = phase.in_order && phase.latencies_ms.size() == count;
  return phase;
}

// Runs es_bench_appender URL STREAM COUNT and waits for it.
Status spawn_appender(const std::string& url, const std::string& stream, std::uint64_t count) {
  std::string program = ES_BENCH_APPENDER;
  std::string count_text = std::to_string(count);
  std::string url_arg = url, stream_arg = stream;
  char* argv[] = {program.data(), url_arg.data(), stream_arg.data(), count_text.data(), nullptr};
  pid_t pid = 0;
  if (const int rc = posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv, environ); rc != 0) {
    return Status::unavailable("cannot start " + program + ": " + std::strerror(rc));
  }
  int wstatus = 0;
  if (waitpid(pid, &wstatus, 0) != pid || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return Status::internal(program + " failed");
  }
  return Status::ok();
}

void add_percentiles(Report& report, const std::string& prefix, Phase& phase) {
  report.extra[prefix + "_p50_ms"] = rounded(percentile(phase.latencies_ms, 0.5), 3);
  report.extra[prefix + "_p99_ms"] = rounded(percentile(phase.latencies_ms, 0.99), 3);
  report.extra[prefix + "_max_ms"] =
      phase.latencies_ms.empty() ? 0.0 : rounded(phase.latencies_ms.back(), 3);
  if (!phase.status.is_ok()) report.extra[prefix + "_error"] = phase.status.to_string();
}

}  // namespace

Status run_w7(RunContext& ctx) {
  const std::uint64_t count = scaled(ctx, kAppends, 100);
  const Stopwatch watch;
  std::vector<std::int64_t> returned_ns;
  Phase in_process = measure(ctx.store, "w7-in", count,
                             [&] { return append_pings(ctx.store, "w7-in", count, &returned_ns); });
  const double seconds = watch.seconds();
  // The same deliveries split in two: the append's own commit (with its fsync), and from its
  // return to the handler (0 when the handler ran before append() had returned).
  std::vector<double> commit_ms, after_commit_ms;
  for (std::size_t i = 0; i < returned_ns.size() && i < in_process.received_ns.size(); ++i) {
    const auto after = std::max<std::int64_t>(0, in_process.received_ns[i] - returned_ns[i]);
    commit_ms.push_back(in_process.latencies_ms[i] - static_cast<double>(after) / 1e6);
    after_commit_ms.push_back(static_cast<double>(after) / 1e6);
  }
  ctx.written += in_process.latencies_ms.size();

  Report report{.workload = "W7", .figure = Figure{count, seconds}};
  report.verified = in_process.status.is_ok() && in_process.in_order;
  add_percentiles(report, "in_process", in_process);
  report.extra["in_process_target_p99_ms"] = 5;
  report.extra["append_commit_p50_ms"] = rounded(percentile(commit_ms, 0.5), 3);
  report.extra["append_commit_p99_ms"] = rounded(percentile(commit_ms, 0.99), 3);
  report.extra["commit_to_handler_p50_ms"] = rounded(percentile(after_commit_ms, 0.5), 3);
  report.extra["commit_to_handler_p99_ms"] = rounded(percentile(after_commit_ms, 0.99), 3);
  if (!ctx.url.empty()) {
    Phase across =
        measure(ctx.store, "w7-x", count, [&] { return spawn_appender(ctx.url, "w7-x", count); });
    ctx.written += across.latencies_ms.size();
    report.verified = report.verified && across.status.is_ok() && across.in_order;
    add_percentiles(report, "cross_process", across);
    report.extra["cross_process_target_p99_ms"] = 50;
    report.extra["poll_interval_ms"] = EventStore::kAppendPollInterval.count();
  }
  report.extra["appends"] = count;
  report.extra["measured"] =
      "steady clock just before append() (a committed single-event append, synchronous=FULL "
      "on SQLite) to the subscriber's handler; appends back to back";
  print(ctx, report);
  return Status::ok();
}

}  // namespace es::bench
