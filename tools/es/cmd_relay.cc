// es relay: publishes the store's events to a message bus (docs/distributed.md), in order,
// at-least-once, under a named checkpoint beside the store that advances only after the bus
// acknowledged; runs until SIGINT or SIGTERM (or, with --stop-at-head, until everything stored
// is published). While the bus is away it retries with a backoff. One NDJSON status line every
// --report-every seconds and one at the end.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "bus_command.h"
#include "command.h"
#include "es/bus/relay.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"

namespace es::cli {
namespace {

struct RelayArgs {
  std::string to;
  std::string name;
  std::uint64_t batch = 1000;
  bool stop_at_head = false;
  int report_every = 5;
};

Json relay_json(const std::string& name, const Publisher& publisher, const RelayProgress& p) {
  Json line;
  line["relay"] = name;
  line["to"] = publisher.destination();
  line["published"] = p.published.to_string();
  line["head"] = p.head.to_string();
  line["caught_up"] = p.caught_up;
  line["events"] = p.events;
  line["lag_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(p.lag).count();
  line["retries"] = p.retries;
  if (!p.last_error.empty()) line["last_error"] = p.last_error;
  return line;
}

int run_relay(const RelayArgs& args, const GlobalOptions& global) {
  if (const int refused = refuse_tenant(global, "es relay")) return refused;
  auto url = parse_bus_url(args.to);
  if (!url) return usage_error(fmt::format("--to: {}", url.error().message()));
  if (args.batch == 0) return usage_error("--batch must be at least 1");
  auto publisher = open_publisher(*url);
  if (!publisher) return report(publisher.error());
  auto store = open_store(global, Access::kRead);
  if (!store) return report(store.error());
  auto checkpoints = open_checkpoints(global, "es relay");
  if (!checkpoints) return report(checkpoints.error());

  block_stop_signals();
  auto relay = Relay::start(**store, **publisher,
                            {.name = args.name,
                             .checkpoints = checkpoints->get(),
                             .page_size = args.batch,
                             .stop_at_head = args.stop_at_head});
  if (!relay) return report(relay.error());
  auto status_line = [&] {
    (void)write_line(std::cout, relay_json(args.name, **publisher, relay->progress()));
    std::cout.flush();
  };
  wait_for_signal([&] { return relay->running(); }, std::chrono::seconds(args.report_every),
                  status_line);
  const Status stopped = relay->stop();
  status_line();
  return report(stopped);
}

}  // namespace

void add_relay_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto args = std::make_shared<RelayArgs>();
  CLI::App* sub = app.add_subcommand(
      "relay", "Publish the store's events to a message bus, in order, at-least-once");
  sub->add_option("--to", args->to, "The bus: redis://HOST:PORT/STREAM or nats://HOST:PORT/SUBJECT")
      ->required();
  sub->add_option("--name", args->name, "The relay's checkpoint name (resumes from it)")
      ->required();
  sub->add_option("--batch", args->batch, "Events per publish and checkpoint save")
      ->capture_default_str();
  sub->add_flag("--stop-at-head", args->stop_at_head,
                "Exit once every stored event is published instead of waiting for more");
  sub->add_option("--report-every", args->report_every,
                  "Seconds between NDJSON status lines (0: only the last)")
      ->capture_default_str();
  sub->footer(
      "The checkpoint lives beside the store (its SQLite file or PostgreSQL schema) and moves "
      "only\n"
      "after the bus acknowledged a batch: after a crash the events since then are published\n"
      "again, with the same event ids, and consumers drop the copies. Runs until SIGINT or\n"
      "SIGTERM; while the bus is away it retries with a backoff (see last_error, retries).");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_relay(*args, global); }; });
}

}  // namespace es::cli
