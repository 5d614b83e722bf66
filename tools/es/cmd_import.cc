// es import FILE|-: NDJSON events (export's format, or hand-written lines) into the store, in
// file order, in batched appends (import_batcher.h).
#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "event_json.h"
#include "exit_code.h"
#include "import_batcher.h"
#include "input_event.h"
#include "open_store.h"
#include "progress.h"

namespace es::cli {
namespace {

struct ImportArgs {
  std::string file;
  std::string sync = "full";
};

Result<SqliteOptions::Synchronous> parse_sync(const std::string& text) {
  if (text == "full") return SqliteOptions::Synchronous::kFull;
  if (text == "normal") return SqliteOptions::Synchronous::kNormal;
  if (text == "off") return SqliteOptions::Synchronous::kOff;
  return Status::invalid_argument(fmt::format("--sync '{}' must be full, normal or off", text));
}

// The error of a line, saying what happened to the lines before it.
int fail(const Status& status, const ImportBatcher& batcher) {
  return report(Status(status.code(), fmt::format("{} ({} events before it were imported)",
                                                  status.message(), batcher.imported())));
}

int run_import(const ImportArgs& args, const GlobalOptions& global) {
  OpenOptions open_options;
  auto sync = parse_sync(args.sync);
  if (!sync) return usage_error(sync.error().message());
  open_options.sqlite.synchronous = *sync;
  const bool from_stdin = args.file == "-";
  std::ifstream file;
  std::uint64_t total_bytes = 0;
  if (!from_stdin) {
    file.open(args.file, std::ios::binary);
    if (!file) {
      const std::string message =
          fmt::format("cannot open '{}': {}", args.file, std::strerror(errno));
      return report(errno == ENOENT ? Status::not_found(message) : Status::unavailable(message));
    }
    std::error_code ec;
    if (std::filesystem::is_regular_file(args.file, ec)) {
      total_bytes = std::filesystem::file_size(args.file, ec);
    }
  }
  std::istream& in = from_stdin ? std::cin : file;

  auto store = open_store(global, Access::kWrite, open_options);
  if (!store) return report(store.error());
  const auto start = std::chrono::steady_clock::now();
  ImportBatcher batcher(**store);
  ProgressBar bar("import", total_bytes);
  std::uint64_t bytes = 0;
  std::uint64_t number = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++number;
    bytes += line.size() + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = fmt::format("line {}", number);
    auto event = parse_input_event(line, where);
    if (event && !event->stream) {
      event = Status::invalid_argument(fmt::format("{}: \"stream\" is missing", where));
    }
    if (!event) {
      bar.finish();
      if (Status s = batcher.flush(); !s.is_ok()) return fail(s, batcher);
      return fail(event.error(), batcher);
    }
    if (Status s = batcher.add(std::move(*event), number); !s.is_ok()) {
      bar.finish();
      return fail(s, batcher);
    }
    bar.update(bytes, batcher.imported());
  }
  if (in.bad()) {
    bar.finish();
    if (Status s = batcher.flush(); !s.is_ok()) return fail(s, batcher);
    return fail(Status::unavailable(fmt::format("cannot read line {}", number + 1)), batcher);
  }
  const Status flushed = batcher.flush();
  bar.update(bytes, batcher.imported());
  bar.finish();
  if (!flushed.is_ok()) return fail(flushed, batcher);

  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  Json summary = Json::object();
  summary["imported"] = batcher.imported();
  summary["lines"] = number;
  summary["appends"] = batcher.appends();
  summary["seconds"] = std::round(seconds.count() * 1000) / 1000;
  if (!write_line(std::cout, summary) || !std::cout.flush()) {
    return report(Status::unavailable("cannot write to stdout"));
  }
  return 0;
}

}  // namespace

void add_import_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* sub = app.add_subcommand("import", "Append the events of an NDJSON file, in order");
  sub->add_option("FILE", args->file, "The NDJSON file (as `es export` writes it), or - for stdin")
      ->required();
  sub->add_option("--sync", args->sync,
                  "SQLite durability of each batch: full (fsync every commit), normal or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"full", "normal", "off"}));
  sub->footer(
      "One event per line: {\"stream\":S,\"type\":T,\"data\":D} and optionally \"metadata\" "
      "(object),\n"
      "\"id\" (UUID), \"schema_version\", \"tenant\", \"expected\" (any|no-stream|exists|N) or\n"
      "\"version\" (the event's version: means expected = version - 1), and \"data_encoding\"/\n"
      "\"metadata_encoding\" (json|text|base64). \"position\" and \"recorded_at\" are ignored.\n"
      "Lines are appended in file order, in batches of up to 1000 events. The import is not\n"
      "atomic: at a bad line it stops with an error naming the line (exit 1, or 3 for a\n"
      "conflict), and the events of all lines before it stay imported. Running the same file\n"
      "again is idempotent when its lines carry ids, so a fixed file can simply be re-run.\n"
      "Prints {\"imported\",\"lines\",\"appends\",\"seconds\"}. A progress bar goes to stderr\n"
      "when it is a terminal.");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_import(*args, global); }; });
}

}  // namespace es::cli
