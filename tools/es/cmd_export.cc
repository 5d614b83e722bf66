// es export [FILE]: every event in global order as NDJSON, losslessly (docs/cli.md).
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"
#include "progress.h"

namespace es::cli {
namespace {

struct ExportArgs {
  std::string file;
};

int run_export(const ExportArgs& args, const GlobalOptions& global) {
  auto store = open_store(global, Access::kRead);
  if (!store) return report(store.error());
  // The export is the store as of now: events appended while it runs are left out.
  auto head = (*store)->head_position();
  if (!head) return report(head.error());
  auto stats = (*store)->stats();
  if (!stats) return report(stats.error());

  const bool to_stdout = args.file.empty() || args.file == "-";
  std::ofstream file;
  if (!to_stdout) {
    file.open(args.file, std::ios::binary | std::ios::trunc);
    if (!file) {
      return report(Status::unavailable(
          fmt::format("cannot open '{}' for writing: {}", args.file, std::strerror(errno))));
    }
  }
  std::ostream& out = to_stdout ? std::cout : file;

  ProgressBar bar("export", stats->events);
  std::uint64_t exported = 0;
  bool write_failed = false;
  ReadAllOptions options;
  options.max_count = 1000;
  const Status status = (*store)->visit_all(options, [&](const RecordedEvent& event) {
    if (event.position > *head) return false;
    if (!write_line(out, event_json(event, PayloadMode::kExact))) {
      write_failed = true;
      return false;
    }
    ++exported;
    bar.update(exported, exported);
    return true;
  });
  bar.finish();
  if (!status.is_ok()) return report(status);
  out.flush();
  if (write_failed || !out) {
    return report(Status::unavailable(fmt::format(
        "cannot write to {}", to_stdout ? std::string("stdout") : "'" + args.file + "'")));
  }
  if (!to_stdout) {
    Json summary = Json::object();
    summary["exported"] = exported;
    summary["file"] = args.file;
    summary["head_position"] = head->to_string();
    if (!write_line(std::cout, summary) || !std::cout.flush()) {
      return report(Status::unavailable("cannot write to stdout"));
    }
  }
  return 0;
}

}  // namespace

void add_export_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* sub = app.add_subcommand("export", "Write every event, in global order, as NDJSON");
  sub->add_option("FILE", args->file, "Output file (created or truncated); stdout when absent");
  sub->footer(
      "One event per line, in the read-all format: id, stream, version, position, type,\n"
      "schema_version, data, metadata, tenant, recorded_at. Lossless: data and metadata are\n"
      "embedded as JSON only when that is their exact stored text; otherwise they are a string\n"
      "with \"data_encoding\"/\"metadata_encoding\" \"text\" or \"base64\". `es import` of the "
      "file into\n"
      "an empty store reproduces ids, versions, payload bytes, metadata, tenants and order.\n"
      "Stream deletions and retention rules are not exported. With FILE, prints\n"
      "{\"exported\",\"file\",\"head_position\"}. A progress bar goes to stderr when it is a "
      "terminal.");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_export(*args, global); }; });
}

}  // namespace es::cli
