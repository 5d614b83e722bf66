// es_bench_contention: how writers of one SQLite store share its write lock (docs/benchmarks.md,
// "Writers sharing one SQLite file").
//
//   es_bench_contention writers DB PROCESSES THREADS SECONDS
//     PROCESSES processes of THREADS threads each append single events to streams of their own
//     for SECONDS; prints each process's appends, its share, and append latency p50/p99/max.
//   es_bench_contention catchup DB EVENTS SECONDS
//     tops DB up to EVENTS events, then rebuilds an exactly-once projection in the same file
//     (one upsert per event) in a child process while this process appends single events for
//     SECONDS (or until the rebuild ends); prints the appender's count, p99, max and failures,
//     and the rebuild's time.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "es/projection/runner.h"
#include "es/store/sqlite_store.h"
#include "item_cart.h"
#include "run_context.h"

namespace es::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Latencies {
  std::vector<double> ms;
  std::uint64_t failures = 0;
  std::string last_error;

  [[nodiscard]] double at(double q) const {
    if (ms.empty()) return 0;
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    return sorted[std::min(sorted.size() - 1,
                           static_cast<std::size_t>(q * static_cast<double>(sorted.size())))];
  }
};

// Appends one event at a time to `stream` until `until`; records each append's latency.
Latencies append_until(
    EventStore& store, const std::string& stream, Clock::time_point until,
    const std::function<bool()>& more = [] { return true; }) {
  Latencies out;
  for (std::uint64_t seq = 0; Clock::now() < until && more(); ++seq) {
    const auto start = Clock::now();
    auto r = store.append(stream, ExpectedVersion::any(), std::vector{item_event(stream, seq)});
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (r) {
      out.ms.push_back(ms);
    } else {
      ++out.failures;
      out.last_error = r.error().to_string();
    }
  }
  return out;
}

// One writer process: THREADS threads on one store handle; prints one line.
int writer_process(const std::string& path, int index, int threads, int seconds) {
  auto store = open_sqlite(path);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().to_string().c_str());
    return 1;
  }
  const auto until = Clock::now() + std::chrono::seconds(seconds);
  std::vector<Latencies> results(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      results[static_cast<std::size_t>(t)] =
          append_until(**store, fmt::format("p{}-t{}", index, t), until);
    });
  }
  for (auto& w : workers) w.join();
  Latencies all;
  for (const Latencies& r : results) {
    all.ms.insert(all.ms.end(), r.ms.begin(), r.ms.end());
    all.failures += r.failures;
    if (!r.last_error.empty()) all.last_error = r.last_error;
  }
  std::printf("process %d: %zu appends, p50 %.2f ms, p99 %.2f ms, max %.1f ms, failures %llu %s\n",
              index, all.ms.size(), all.at(0.5), all.at(0.99), all.at(1.0),
              static_cast<unsigned long long>(all.failures), all.last_error.c_str());
  std::fflush(stdout);
  return 0;
}

int writers(const std::string& path, int processes, int threads, int seconds) {
  {  // create the store before the processes race to
    auto store = open_sqlite(path);
    if (!store) return 1;
  }
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = fork();
    if (pid == 0) {
      std::fflush(stdout);
      _exit(writer_process(path, p, threads, seconds));
    }
    children.push_back(pid);
  }
  int failed = 0;
  for (const pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    failed += WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
  }
  auto store = open_sqlite(path);
  if (!store) return 1;
  auto stats = (*store)->stats();
  if (stats)
    std::printf("events in the store: %llu\n", static_cast<unsigned long long>(stats->events));
  return failed;
}

Projection<Tx> item_counts() {
  Projection<Tx> p("bench-contention");
  p.on_start([](Tx& tx) {
    return tx.exec(
        "CREATE TABLE IF NOT EXISTS contention_items (stream TEXT PRIMARY KEY, "
        "count INTEGER NOT NULL) WITHOUT ROWID");
  });
  p.on_clear([](Tx& tx) { return tx.exec("DELETE FROM contention_items"); });
  p.on<ItemAdded>([](const Envelope<ItemAdded>& e, Tx& tx) {
    return tx.exec(
        "INSERT INTO contention_items (stream, count) VALUES (?1, 1) ON CONFLICT (stream) DO "
        "UPDATE SET count = contention_items.count + 1",
        e.recorded.stream);
  });
  return p;
}

int catchup(const std::string& path, std::uint64_t events, int seconds) {
  {
    auto store = open_sqlite(path);
    if (!store) return 1;
    auto stats = (*store)->stats();
    if (!stats) return 1;
    for (std::uint64_t n = stats->events, k = 0; n < events; ++k) {
      const std::string stream = fmt::format("fill-{:03}", k % 1000);
      std::vector<EventData> batch;
      for (std::uint64_t j = 0; j < std::min<std::uint64_t>(1000, events - n); ++j) {
        batch.push_back(item_event(stream, j));
      }
      if (!(*store)->append(stream, ExpectedVersion::any(), batch)) return 1;
      n += batch.size();
    }
  }
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return 1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    auto store = open_sqlite(path);
    if (!store) _exit(1);
    const Projection<Tx> projection = item_counts();
    const auto start = Clock::now();
    const Status rebuilt = rebuild_sqlite_projection(**store, path, projection);
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("rebuild of %llu events: %.1f s, %s\n", static_cast<unsigned long long>(events), s,
                rebuilt.to_string().c_str());
    std::fflush(stdout);
    (void)!write(pipe_fds[1], "x", 1);
    _exit(rebuilt.is_ok() ? 0 : 1);
  }
  close(pipe_fds[1]);
  auto store = open_sqlite(path);
  if (!store) return 1;
  // Stops when the rebuild says it is done (the pipe becomes readable).
  auto running = [fd = pipe_fds[0]] {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    timeval zero{};
    return select(fd + 1, &set, nullptr, nullptr, &zero) == 0;
  };
  const auto start = Clock::now();
  const Latencies l =
      append_until(**store, "during-rebuild", start + std::chrono::seconds(seconds), running);
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "appender during the rebuild: %zu appends in %.1f s, p50 %.2f ms, p99 %.2f ms, "
      "max %.1f ms, failures %llu %s\n",
      l.ms.size(), s, l.at(0.5), l.at(0.99), l.at(1.0), static_cast<unsigned long long>(l.failures),
      l.last_error.c_str());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

}  // namespace
}  // namespace es::bench

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && args[0] == "writers") {
    return es::bench::writers(args[1], std::stoi(args[2]), std::stoi(args[3]), std::stoi(args[4]));
  }
  if (args.size() == 4 && args[0] == "catchup") {
    return es::bench::catchup(args[1], std::stoull(args[2]), std::stoi(args[3]));
  }
  std::fprintf(stderr,
               "usage: es_bench_contention writers DB PROCESSES THREADS SECONDS\n"
               "       es_bench_contention catchup DB EVENTS SECONDS\n");
  return 2;
}
