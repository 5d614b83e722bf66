// es streams (NDJSON of stream infos, paged through list_streams) and es stats (one object).
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"
#include "validators.h"

namespace es::cli {
namespace {

constexpr std::uint64_t kPage = 1000;

struct StreamsArgs {
  std::string prefix;
  std::uint64_t limit = kUnlimited;
};

int run_streams(const StreamsArgs& args, const GlobalOptions& global) {
  auto store = open_store(global, Access::kRead);
  if (!store) return report(store.error());
  ListStreamsOptions options;
  options.prefix = args.prefix;
  std::uint64_t printed = 0;
  while (printed < args.limit) {
    options.max_count = std::min(kPage, args.limit - printed);
    auto page = (*store)->list_streams(options);
    if (!page) return report(page.error());
    for (const StreamInfo& info : *page) {
      if (!write_line(std::cout, stream_info_json(info))) {
        return report(Status::unavailable("cannot write to stdout"));
      }
    }
    printed += page->size();
    if (page->size() < options.max_count) break;
    options.after = page->back().stream;
  }
  std::cout.flush();
  return 0;
}

int run_stats(const GlobalOptions& global) {
  auto store = open_store(global, Access::kRead);
  if (!store) return report(store.error());
  auto stats = (*store)->stats();
  if (!stats) return report(stats.error());
  auto head = (*store)->head_position();
  if (!head) return report(head.error());
  if (!write_line(std::cout, stats_json(*stats, *head)) || !std::cout.flush()) {
    return report(Status::unavailable("cannot write to stdout"));
  }
  return 0;
}

}  // namespace

void add_streams_stats_commands(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto args = std::make_shared<StreamsArgs>();
  CLI::App* sub = app.add_subcommand("streams", "List streams in name order");
  sub->add_option("--prefix", args->prefix, "Only streams whose name starts with this");
  sub->add_option("--limit", args->limit, "At most this many streams")->check(at_least(1));
  sub->footer(
      "Prints NDJSON, one stream per line: {\"stream\",\"state\",\"version\",\"tenant\",\n"
      "\"created_at\",\"updated_at\"} plus \"retention\" when rules are set. state is live,\n"
      "soft-deleted or tombstoned; version is the last version written.");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_streams(*args, global); }; });

  sub = app.add_subcommand("stats", "Counts and sizes of the store, as one JSON object");
  sub->footer(
      "Prints {\"backend\",\"events\",\"streams\",\"live_streams\",\"deleted_streams\",\n"
      "\"tombstoned_streams\",\"first_recorded_at\",\"last_recorded_at\",\"storage_bytes\",\n"
      "\"head_position\"}.");
  sub->callback([&global, &run] { run = [&global] { return run_stats(global); }; });
}

}  // namespace es::cli
