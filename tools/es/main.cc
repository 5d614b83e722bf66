// `es`: the command-line tool of eventsource-cpp (docs/cli.md).
#include <fmt/format.h>

#include <exception>
#include <iostream>
#include <string>

#include "command.h"
#include "exit_code.h"

namespace {

constexpr const char* kDescription =
    "es: the eventsource-cpp event store tool.\n"
    "Output is JSON (one object) or NDJSON (one object per line).\n"
    "Exit codes: 0 ok, 1 error, 2 usage, 3 conflict, 4 not found, 5 integrity failure.";

int parse_failure(const CLI::App& app, const CLI::ParseError& error) {
  std::string command = "es";
  for (const CLI::App* sub : app.get_subcommands()) command += " " + sub->get_name();
  if (command == "es" && !app.remaining().empty()) {
    return es::cli::usage_error(
        fmt::format("unknown command '{}' (see 'es --help')", app.remaining().front()));
  }
  return es::cli::usage_error(fmt::format("{} (see '{} --help')", error.what(), command));
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  CLI::App app(kDescription, "es");
  app.require_subcommand(1);
  app.fallthrough();
  es::cli::GlobalOptions global;
  app.add_option("--db", global.db,
                 "The store: a file path (SQLite), sqlite:PATH, postgresql://... or memory:")
      ->capture_default_str();
  app.add_option("--tenant", global.tenant,
                 "Act for this tenant only: appends create its streams, reads and listings show "
                 "nothing of other tenants'");
  app.add_option("--keys", global.keys,
                 "Key store (a SQLite file) of encrypted payloads: reads decrypt, shredded "
                 "subjects read as erased (docs/security.md)");
  app.add_option("--master-key-file", global.master_key_file,
                 "The key store's master key (64 hex digits, base64 or 32 raw bytes); default: "
                 "the ES_MASTER_KEY environment variable");
  app.add_option("--encrypt", global.encrypt,
                 "TYPE=FIELD[,FIELD...][@SUBJECT_FIELD]: appends and imports encrypt these data "
                 "members of TYPE with the subject's key (subject: that member, else the stream); "
                 "repeatable; needs --keys");
  app.add_option("--trace-log", global.trace_log,
                 "Append one JSON line per store operation to this file: operation, stream, "
                 "events, duration, status and W3C trace ids (docs/operations.md)");

  es::cli::Runner run;
  es::cli::add_append_command(app, global, run);
  es::cli::add_read_commands(app, global, run);
  es::cli::add_streams_stats_commands(app, global, run);
  es::cli::add_delete_commands(app, global, run);
  es::cli::add_export_command(app, global, run);
  es::cli::add_import_command(app, global, run);
  es::cli::add_bench_command(app, global, run);
  es::cli::add_demo_command(app, global, run);
  es::cli::add_tail_command(app, global, run);
  es::cli::add_projections_command(app, global, run);
  es::cli::add_dlq_command(app, global, run);
  es::cli::add_verify_command(app, global, run);
  es::cli::add_relay_command(app, global, run);
  es::cli::add_consume_command(app, global, run);
  es::cli::add_shred_command(app, global, run);
  es::cli::add_keys_command(app, global, run);
  es::cli::add_migrate_command(app, global, run);
  es::cli::add_serve_command(app, global, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
    return parse_failure(app, error);
  }
  try {
    return run();
  } catch (const std::exception& e) {
    return es::cli::report(es::Status::internal(e.what()));
  }
}
