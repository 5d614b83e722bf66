// es delete STREAM (soft: reads as empty, may be recreated) and es tombstone STREAM (forever).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "es/store/expected_version.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"

namespace es::cli {
namespace {

struct DeleteArgs {
  std::string stream;
  std::string expected = "any";
  bool tombstone = false;
};

int run_delete(const DeleteArgs& args, const GlobalOptions& global) {
  auto expected = ExpectedVersion::parse(args.expected);
  if (!expected) return usage_error(expected.error().message());
  auto store = open_store(global, Access::kWrite);
  if (!store) return report(store.error());
  const Status status = args.tombstone ? (*store)->tombstone_stream(args.stream, *expected)
                                       : (*store)->delete_stream(args.stream, *expected);
  if (!status.is_ok()) return report(status);
  auto info = (*store)->stream_info(args.stream);
  if (!info) return report(info.error());
  if (!write_line(std::cout, stream_info_json(*info)) || !std::cout.flush()) {
    return report(Status::unavailable("cannot write to stdout"));
  }
  return 0;
}

void add_one(CLI::App& app, const GlobalOptions& global, Runner& run, bool tombstone) {
  auto args = std::make_shared<DeleteArgs>();
  args->tombstone = tombstone;
  CLI::App* sub = tombstone
                      ? app.add_subcommand("tombstone", "Delete a stream forever (hard delete)")
                      : app.add_subcommand("delete", "Soft-delete a stream");
  sub->add_option("STREAM", args->stream, "The stream")->required();
  sub->add_option("--expected", args->expected, "Expected version: any, exists or N")
      ->capture_default_str();
  sub->footer(tombstone
                  ? "The stream can never be written again; reads of it fail. Allowed on an\n"
                    "absent stream (reserves the name) and idempotent. Prints the stream info."
                  : "The stream reads as empty; a later append recreates it and versions go on\n"
                    "from where they were. Exit 4 when the stream does not exist. Prints the\n"
                    "stream info.");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_delete(*args, global); }; });
}

}  // namespace

void add_delete_commands(CLI::App& app, const GlobalOptions& global, Runner& run) {
  add_one(app, global, run, /*tombstone=*/false);
  add_one(app, global, run, /*tombstone=*/true);
}

}  // namespace es::cli
