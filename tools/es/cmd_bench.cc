// es bench: the workloads of BENCHMARKS.md (bench/workloads.h) against the --db store.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "exit_code.h"
#include "open_store.h"
#include "validators.h"

#ifdef ES_CLI_HAS_WORKLOADS
#include "workloads.h"
#endif

namespace es::cli {
namespace {

struct BenchArgs {
  std::vector<std::string> workloads;
  double scale = 1.0;
  bool no_baseline = false;
};

int run_bench(const BenchArgs& args, const GlobalOptions& global) {
  if (const int refused = refuse_tenant(global, "es bench")) return refused;
#ifdef ES_CLI_HAS_WORKLOADS
  bench::WorkloadOptions options;
  options.db_url = global.db;
  options.workloads = args.workloads;
  options.scale = args.scale;
  options.baseline = !args.no_baseline;
  const Status status = bench::run_workloads(options, std::cout);
  std::cout.flush();
  return report(status);
#else
  (void)args;
  return report(Status::unavailable("es was built without the workload runner (ES_BUILD_BENCH)"));
#endif
}

}  // namespace

void add_bench_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* sub = app.add_subcommand("bench", "Run the benchmark workloads against --db");
  sub->add_option("--workload", args->workloads,
                  "W1, W2, W3, W3s, W4, W5, W5c, W6, W7, WV or all (repeatable)")
      ->required()
      ->check(CLI::IsMember({"W1", "W2", "W3", "W3s", "W4", "W5", "W5c", "W6", "W7", "WV", "all"}));
  sub->add_option("--scale", args->scale, "Multiplies every event count (0.1 for a smoke run)")
      ->capture_default_str()
      ->check(positive_number());
  sub->add_flag("--no-baseline", args->no_baseline, "Skip the raw-engine baseline runs");
  sub->footer(
      "The store must be new or empty (e.g. --db memory: or a fresh file). Prints one JSON line\n"
      "per workload, as bench/BENCHMARKS.md specifies.");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_bench(*args, global); }; });
}

}  // namespace es::cli
