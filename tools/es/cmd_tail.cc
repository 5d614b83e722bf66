// es tail: the global feed as NDJSON (the fields of es read), the stored events first and then
// each new one as it is appended, one flushed line per event, until SIGINT, SIGTERM or a closed
// stdout. With --name it keeps a checkpoint, saved after each line is flushed, and a restart
// resumes after it: a line is printed again only when the process dies between its flush and
// its checkpoint save (at-least-once, a window of one line; docs/cli.md).
#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "es/projection/checkpoint_store.h"
#include "es/projection/subscription.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"

namespace es::cli {
namespace {

struct TailArgs {
  std::string from;
  std::string name;
  std::vector<std::string> types;
  std::vector<std::string> categories;
};

// Where --name keeps its checkpoint: beside the store (its file or schema), or in memory for
// memory:.
Result<std::unique_ptr<CheckpointStore>> open_tail_checkpoints(const GlobalOptions& global) {
  if (global.db == "memory:") return make_memory_checkpoint_store();
  return open_checkpoints(global, "es tail --name");
}

// Prints each delivered event and then, when named, saves the checkpoint at it.
class TailPrinter {
 public:
  TailPrinter(CheckpointStore* checkpoints, std::string name, std::optional<Position> saved)
      : checkpoints_(checkpoints), name_(std::move(name)), saved_(saved) {}

  Status operator()(const RecordedEvent& event) {
    if (!write_line(std::cout, event_json(event, PayloadMode::kReadable)) || !std::cout.flush()) {
      closed_ = true;
      return Status::unavailable("stdout is closed");
    }
    if (checkpoints_ == nullptr) return Status::ok();
    ES_RETURN_IF_ERROR(checkpoints_->save(name_, saved_, event.position));
    saved_ = event.position;
    return Status::ok();
  }
  [[nodiscard]] bool stdout_closed() const { return closed_; }

 private:
  CheckpointStore* checkpoints_;
  std::string name_;
  std::optional<Position> saved_;  // what the next compare-and-set save expects
  bool closed_ = false;
};

// True once the reader of a stdout pipe has gone: a live tail with nothing to print would
// otherwise only notice at its next write.
bool stdout_reader_gone() {
  pollfd out{STDOUT_FILENO, 0, 0};
  return poll(&out, 1, 0) == 1 && (out.revents & (POLLERR | POLLHUP)) != 0;
}

int run_tail(const TailArgs& args, const GlobalOptions& global) {
  // Blocked in every thread (the subscription's inherits the mask): SIGINT and SIGTERM are
  // taken below with sigtimedwait, and a closed stdout shows as a failed write, not SIGPIPE.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGPIPE}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SubscriptionOptions options;
  if (!args.from.empty()) {
    auto from = Position::parse(args.from);
    if (!from) return usage_error(fmt::format("--from: {}", from.error().message()));
    options.from = *from;
  }
  options.filter.types = args.types;
  options.filter.categories = args.categories;
  auto store = open_store(global, Access::kRead);
  if (!store) return report(store.error());
  std::unique_ptr<CheckpointStore> checkpoints;
  std::optional<Position> saved;
  // Tenants name their checkpoints apart: acme's "mailer" is not globex's.
  const std::string name =
      args.name.empty() || global.tenant.empty() ? args.name : global.tenant + "/" + args.name;
  if (!name.empty()) {
    auto opened = open_tail_checkpoints(global);
    if (!opened) return report(opened.error());
    checkpoints = std::move(*opened);
    auto loaded = checkpoints->load(name);
    if (!loaded) return report(loaded.error());
    saved = *loaded;
    if (saved) options.from = *saved;
  }
  auto printer = std::make_shared<TailPrinter>(checkpoints.get(), name, saved);
  auto tail = Subscription::start(**store, std::move(options),
                                  [printer](const RecordedEvent& e) { return (*printer)(e); });
  if (!tail) return report(tail.error());

  const timespec tick{0, 100'000'000};
  while (tail->running()) {
    const int signal = sigtimedwait(&signals, nullptr, &tick);
    if (signal == SIGINT || signal == SIGTERM || stdout_reader_gone()) break;
  }
  const Status stopped = tail->stop();
  if (!stopped.is_ok() && !printer->stdout_closed()) return report(stopped);
  return 0;
}

}  // namespace

void add_tail_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto args = std::make_shared<TailArgs>();
  CLI::App* sub = app.add_subcommand(
      "tail", "Print the events of the store as NDJSON as they arrive (catch-up, then live)");
  sub->add_option("--from", args->from, "Start after this position (default: the beginning)");
  sub->add_option("--name", args->name,
                  "Keep a checkpoint under this name and resume from it on the next run");
  sub->add_option("--type", args->types, "Only events of this type (repeatable)");
  sub->add_option("--category", args->categories,
                  "Only streams of this category, the part before the first '-' (repeatable)");
  sub->footer(
      "Runs until SIGINT, SIGTERM or stdout closes, then exits 0. With --name, --from only\n"
      "applies while the name has no checkpoint. The checkpoint is saved after each line is\n"
      "flushed: a line is printed twice only if the process dies between the two.");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_tail(*args, global); }; });
}

}  // namespace es::cli
