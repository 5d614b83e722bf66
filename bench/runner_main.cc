// es_bench_runner: runs the workloads of BENCHMARKS.md without the es CLI.
//
//   es_bench_runner --db URL --workload NAME[,NAME...] [--scale F] [--no-baseline]
//
// Prints one JSON line per workload on stdout. Exit codes as the es CLI's: 0 ok, 1 error, 2 usage,
// 5 a workload failed its verification.
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "workloads.h"

namespace {

constexpr std::string_view kUsage =
    "usage: es_bench_runner --db URL --workload NAME[,NAME...] [--scale F] [--no-baseline]\n"
    "  URL   a new or empty store: PATH, sqlite:PATH, postgresql://... or memory:\n"
    "  NAME  W1, W2, W2e, W3, W3s, W4, W5, W5c, W6, W7, WV or all (they run in that order)\n"
    "  F     multiplies every event count (0.1 for a smoke run); default 1\n";

int usage(std::string_view problem) {
  std::cerr << "es_bench_runner: " << problem << "\n" << kUsage;
  return 2;
}

void split_names(std::string_view list, std::vector<std::string>& out) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    if (!name.empty()) out.emplace_back(name);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  es::bench::WorkloadOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "--no-baseline") {
      options.baseline = false;
    } else if (arg == "--db" || arg == "--workload" || arg == "--scale") {
      const char* v = value();
      if (v == nullptr) return usage(std::string(arg) + " needs a value");
      if (arg == "--db") options.db_url = v;
      if (arg == "--workload") split_names(v, options.workloads);
      if (arg == "--scale") {
        char* end = nullptr;
        options.scale = std::strtod(v, &end);
        if (end == v || *end != '\0') return usage("--scale takes a number");
      }
    } else {
      return usage("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (options.db_url.empty()) return usage("--db is required");
  if (options.workloads.empty()) return usage("--workload is required");

  const es::Status status = es::bench::run_workloads(options, std::cout);
  if (status.is_ok()) return 0;
  std::cerr << "es_bench_runner: " << status.to_string() << "\n";
  if (status.code() == es::StatusCode::kIntegrity) return 5;
  return status.code() == es::StatusCode::kInvalidArgument ? 2 : 1;
}
