// es verify [--stream S] [--json] [--heads]: checks the hash chain (docs/security.md) and prints
// every problem, then a summary with the store digest; exit 5 when anything was found.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "es/store/verify.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"

namespace es::cli {
namespace {

std::string count(std::uint64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

struct VerifyArgs {
  std::string stream;
  bool json = false;
  bool heads = false;
};

int run_verify(const VerifyArgs& args, const GlobalOptions& global) {
  auto store = open_store(global, Access::kRead);
  if (!store) return report(store.error());
  bool written = true;
  auto print = [&](const Json& json, const std::string& text) {
    written = written && (args.json ? write_line(std::cout, json)
                                    : static_cast<bool>(std::cout << text << '\n'));
  };
  VerifyOptions options;
  options.stream = args.stream;
  options.on_problem = [&](const IntegrityProblem& p) {
    const std::string_view kind = integrity_problem_kind_name(p.kind);
    print({{"stream", p.stream}, {"version", p.version}, {"kind", kind}, {"detail", p.detail}},
          fmt::format("{} {} {}: {}", p.stream, p.version, kind, p.detail));
  };
  if (args.heads) {
    options.on_head = [&](const ChainHead& h) {
      print({{"stream", h.stream}, {"version", h.version}, {"hash", h.hash}},
            fmt::format("head {} {} {}", h.stream, h.version, h.hash));
    };
  }
  auto result = (*store)->verify(options);
  if (!result) return report(result.error());
  const VerifyReport& r = *result;
  print({{"streams", r.streams},
         {"events", r.events},
         {"problems", r.problems_found},
         {"intact", r.intact()},
         {"digest", r.digest}},
        fmt::format("verified {} in {}: {}\ndigest {}", count(r.events, "event"),
                    count(r.streams, "stream"),
                    r.intact() ? "intact" : count(r.problems_found, "problem"), r.digest));
  if (!written || !std::cout.flush()) return report(Status::unavailable("cannot write to stdout"));
  if (!r.intact()) {
    return report(Status::integrity(
        fmt::format("{} found; the hash chain is broken", count(r.problems_found, "problem"))));
  }
  return 0;
}

}  // namespace

void add_verify_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* sub =
      app.add_subcommand("verify", "Check the tamper-evident hash chain of every stream");
  sub->add_option("--stream", args->stream, "Only this stream");
  sub->add_flag("--json", args->json, "NDJSON instead of text");
  sub->add_flag("--heads", args->heads, "Also print each stream's head: version and hash");
  sub->footer(
      "Recomputes every stored event's hash (hidden events included) and prints each problem\n"
      "as 'STREAM VERSION KIND: detail', KIND one of modified, deleted, inserted, reordered\n"
      "(--json: {\"stream\",\"version\",\"kind\",\"detail\"}), then a summary with the digest of\n"
      "all stream heads ({\"streams\",\"events\",\"problems\",\"intact\",\"digest\"}). Record the\n"
      "digest (or the --heads) elsewhere: a later run that prints another one for the same\n"
      "heads means the store was rewritten consistently. Exit 5 when a problem was found.");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_verify(*args, global); }; });
}

}  // namespace es::cli
