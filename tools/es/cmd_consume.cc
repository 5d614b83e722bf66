// es consume: reads a message bus fed by `es relay` into the store of --db, the inbox
// (docs/distributed.md): each event under its original id, stream and version, copies dropped,
// acknowledged on the bus once stored. Projections, `es tail --name` and `es dlq` then work on
// the inbox as on any store. Runs until SIGINT or SIGTERM; NDJSON status lines as es relay.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "bus_command.h"
#include "command.h"
#include "es/bus/consumer.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"

namespace es::cli {
namespace {

struct ConsumeArgs {
  std::string from;
  std::string name;
  std::size_t batch = 1000;
  int report_every = 5;
};

Json consume_json(const std::string& name, const Receiver& receiver, const ConsumerProgress& p) {
  Json line;
  line["consumer"] = name;
  line["from"] = receiver.source();
  line["received"] = p.received;
  line["stored"] = p.stored;
  line["duplicates"] = p.duplicates;
  line["retries"] = p.retries;
  if (!p.last_error.empty()) line["last_error"] = p.last_error;
  return line;
}

int run_consume(const ConsumeArgs& args, const GlobalOptions& global) {
  if (const int refused = refuse_tenant(global, "es consume")) return refused;
  auto url = parse_bus_url(args.from);
  if (!url) return usage_error(fmt::format("--from: {}", url.error().message()));
  if (args.batch == 0) return usage_error("--batch must be at least 1");
  auto receiver = open_receiver(*url, args.name);
  if (!receiver) return report(receiver.error());
  auto inbox = open_store(global, Access::kWrite);
  if (!inbox) return report(inbox.error());

  block_stop_signals();
  auto consumer = Consumer::start(**receiver, **inbox, {.batch_size = args.batch});
  if (!consumer) return report(consumer.error());
  auto status_line = [&] {
    (void)write_line(std::cout, consume_json(args.name, **receiver, consumer->progress()));
    std::cout.flush();
  };
  wait_for_signal([&] { return consumer->running(); }, std::chrono::seconds(args.report_every),
                  status_line);
  const Status stopped = consumer->stop();
  status_line();
  return report(stopped);
}

}  // namespace

void add_consume_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto args = std::make_shared<ConsumeArgs>();
  CLI::App* sub = app.add_subcommand(
      "consume", "Read a message bus fed by es relay into this store (the inbox), exactly once");
  sub->add_option("--from", args->from,
                  "The bus: redis://HOST:PORT/STREAM or nats://HOST:PORT/SUBJECT")
      ->required();
  sub->add_option("--name", args->name,
                  "The consumer's name: its Redis consumer group or JetStream durable consumer")
      ->required();
  sub->add_option("--batch", args->batch, "Messages per fetch and inbox append")
      ->capture_default_str();
  sub->add_option("--report-every", args->report_every,
                  "Seconds between NDJSON status lines (0: only the last)")
      ->capture_default_str();
  sub->footer(
      "--db is the inbox, created if missing. The bus remembers what the named consumer\n"
      "acknowledged; what it fetched and did not acknowledge comes again after a restart and,\n"
      "like the copies a restarted relay publishes, is recognised by its stream and version and\n"
      "dropped. Runs until SIGINT or SIGTERM; while the bus is away it retries with a backoff.");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_consume(*args, global); }; });
}

}  // namespace es::cli
