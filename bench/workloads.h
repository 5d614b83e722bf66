// The workloads of ../shared/BENCHMARKS.md (W1-W7, W3s, W5c), run against any store URL, each next
// to the raw-engine baseline doing the same rows and transactions in the same process.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "es/core/status.h"

namespace es::bench {

struct WorkloadOptions {
  std::string db_url;                  // as es::open takes it; the store must be new or empty
  std::vector<std::string> workloads;  // "W1".."W7", "W3s", "W5c"; {"all"} for every one
  double scale = 1.0;                  // multiplies every event count (0.1 for a smoke run)
  bool baseline = true;                // also run the raw-engine baseline
};

// Runs the workloads in order, printing one JSON line per workload to `out` as BENCHMARKS.md
// specifies. Fails on an unknown workload name or an unusable URL.
Status run_workloads(const WorkloadOptions& options, std::ostream& out);

}  // namespace es::bench
