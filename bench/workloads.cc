#include "workloads.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <memory>

#include "es/store/open.h"
#include "families.h"
#include "postgres_baseline.h"
#include "sqlite_baseline.h"

namespace es::bench {
namespace {

struct Workload {
  std::string_view name;
  Status (*run)(RunContext&);
};

// The order BENCHMARKS.md runs them in, whatever order they were asked for.
constexpr std::array<Workload, 11> kWorkloads = {{
    {"W1", run_w1},
    {"W2", run_w2},
    {"W2e", run_w2e},
    {"W3", run_w3},
    {"W3s", run_w3s},
    {"W4", run_w4},
    {"W5", run_w5},
    {"W5c", run_w5c},
    {"W6", run_w6},
    {"W7", run_w7},
    {"WV", run_wv},
}};

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

Result<std::vector<const Workload*>> select(const std::vector<std::string>& names) {
  if (names.empty())
    return Status::invalid_argument("no workload named: give W1..W7, W2e, W3s, W5c, WV or all");
  std::vector<bool> chosen(kWorkloads.size(), false);
  for (const std::string& name : names) {
    if (same_name(name, "all")) {
      chosen.assign(kWorkloads.size(), true);
      continue;
    }
    const auto it = std::find_if(kWorkloads.begin(), kWorkloads.end(),
                                 [&](const Workload& w) { return same_name(w.name, name); });
    if (it == kWorkloads.end()) {
      return Status::invalid_argument(fmt::format(
          "unknown workload '{}': expected W1, W2, W2e, W3, W3s, W4, W5, W5c, W6, W7, WV or all",
          name));
    }
    chosen[static_cast<std::size_t>(it - kWorkloads.begin())] = true;
  }
  std::vector<const Workload*> out;
  for (std::size_t i = 0; i < kWorkloads.size(); ++i) {
    if (chosen[i]) out.push_back(&kWorkloads[i]);
  }
  return out;
}

// The file behind a SQLite URL, as es::open reads it.
std::string sqlite_path(std::string_view url) {
  if (url.starts_with("sqlite:")) url.remove_prefix(7);
  return std::string(url);
}

}  // namespace

Status run_workloads(const WorkloadOptions& options, std::ostream& out) {
  auto workloads = select(options.workloads);
  if (!workloads) return workloads.error();
  if (!std::isfinite(options.scale) || options.scale <= 0) {
    return Status::invalid_argument(
        fmt::format("scale {} must be a positive number", options.scale));
  }
  auto store = es::open(options.db_url);
  if (!store) return store.error();
  auto stats = (*store)->stats();
  if (!stats) return stats.error();
  if (stats->events > 0 || stats->streams > 0) {
    return Status::invalid_argument(fmt::format(
        "refusing to benchmark '{}': it already holds {} events in {} streams, and the workloads "
        "need a new or empty store (they verify what they wrote)",
        options.db_url, stats->events, stats->streams));
  }

  std::unique_ptr<Baseline> baseline;
  if (options.baseline && stats->backend == "sqlite") {
    auto created = SqliteBaseline::create(sqlite_path(options.db_url) + ".baseline.db");
    if (!created) return created.error();
    baseline = std::move(*created);
  }
  if (options.baseline && stats->backend == "postgres") {
    auto created = PostgresBaseline::create(options.db_url);
    if (!created) return created.error();
    baseline = std::move(*created);
  }

  auto snapshots = es::open_snapshot_store(options.db_url);
  if (!snapshots) return snapshots.error();

  RunContext ctx{.store = **store,
                 .snapshots = **snapshots,
                 .backend = stats->backend,
                 .path = stats->backend == "sqlite" ? sqlite_path(options.db_url) : std::string(),
                 .url = stats->backend == "memory" ? std::string() : options.db_url,
                 .baseline = baseline.get(),
                 .scale = options.scale,
                 .out = out};
  for (const Workload* w : *workloads) ES_RETURN_IF_ERROR(w->run(ctx));
  if (!ctx.all_verified) {
    return Status::integrity("a workload failed its verification (see \"verified\":false above)");
  }
  return Status::ok();
}

}  // namespace es::bench
