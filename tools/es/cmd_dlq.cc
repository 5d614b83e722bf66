// es dlq list|retry|discard: the dead letters of the store's subscriptions
// (es/projection/dead_letter_store.h). The CLI has no handler of its own, so `retry` marks the
// parked events for redelivery: the subscription of that name re-delivers them first — the
// running one within half a second, otherwise the next to start.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "command.h"
#include "es/projection/dead_letter_store.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"
#include "projection_lag.h"

namespace es::cli {
namespace {

struct DlqArgs {
  std::string name;
  std::string stream;  // empty: every stream
};

int print(const Json& value) {
  if (!write_line(std::cout, value) || !std::cout.flush()) {
    return report(Status::unavailable("cannot write to stdout"));
  }
  return 0;
}

int run_list(const DlqArgs& args, const GlobalOptions& global) {
  if (const int refused = refuse_tenant(global, "es dlq")) return refused;
  auto letters = open_dead_letters(global, "es dlq");
  if (!letters) return report(letters.error());
  auto parked = (*letters)->list(args.name);
  if (!parked) return report(parked.error());
  for (const DeadLetter& letter : *parked) {
    if (!write_line(std::cout, dead_letter_json(letter))) {
      return report(Status::unavailable("cannot write to stdout"));
    }
  }
  if (!std::cout.flush()) return report(Status::unavailable("cannot write to stdout"));
  return 0;
}

// retry or discard: changes the letters of NAME (of one stream with --stream); 4 when none.
int run_change(const DlqArgs& args, const GlobalOptions& global, bool discard) {
  if (const int refused = refuse_tenant(global, "es dlq")) return refused;
  auto letters = open_dead_letters(global, "es dlq");
  if (!letters) return report(letters.error());
  const std::optional<std::string> stream =
      args.stream.empty() ? std::nullopt : std::optional<std::string>(args.stream);
  auto changed =
      discard ? (*letters)->discard(args.name, stream) : (*letters)->retry(args.name, stream);
  if (!changed) return report(changed.error());
  if (*changed == 0) {
    return report(Status::not_found(
        stream ? fmt::format("no parked events of stream '{}' for '{}'", *stream, args.name)
               : fmt::format("no parked events for '{}'", args.name)));
  }
  Json out;
  out["subscription"] = args.name;
  out["stream"] = stream ? Json(*stream) : Json(nullptr);
  out[discard ? "discarded" : "marked"] = *changed;
  return print(out);
}

}  // namespace

void add_dlq_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  CLI::App* dlq = app.add_subcommand("dlq", "List, retry or discard parked events (dead letters)");
  dlq->require_subcommand(1);
  dlq->footer(
      "Dead letters are the events a subscription parked after its handler kept failing,\n"
      "with the later events of the same stream parked behind them (docs/projections.md).");

  auto list_args = std::make_shared<DlqArgs>();
  CLI::App* list = dlq->add_subcommand("list", "Print the parked events, oldest first (NDJSON)");
  list->add_option("--name", list_args->name, "Only this subscription's");
  list->callback([list_args, &global, &run] {
    run = [list_args, &global] { return run_list(*list_args, global); };
  });

  for (const bool discard : {false, true}) {
    auto args = std::make_shared<DlqArgs>();
    CLI::App* sub = discard ? dlq->add_subcommand("discard", "Forget parked events")
                            : dlq->add_subcommand("retry",
                                                  "Mark parked events for redelivery by their "
                                                  "subscription");
    sub->add_option("NAME", args->name, "The subscription")->required();
    sub->add_option("--stream", args->stream, "Only this stream's parked events");
    sub->footer(discard
                    ? "The stream's later events then reach the handler again. Prints\n"
                      "{\"subscription\", \"stream\", \"discarded\"}; exit 4 when none matched."
                    : "The subscription NAME re-delivers them to its handler before its next\n"
                      "page, in order: the running one within half a second, otherwise the next\n"
                      "to start. Each delivered event leaves the queue; one that fails again\n"
                      "stays parked, with its stream's later events. Prints\n"
                      "{\"subscription\", \"stream\", \"marked\"}; exit 4 when none matched.");
    sub->callback([args, &global, &run, discard] {
      run = [args, &global, discard] { return run_change(*args, global, discard); };
    });
  }
}

}  // namespace es::cli
