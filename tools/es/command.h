// The subcommands of `es`. Each add_*_command() declares a subcommand, its options and help on
// `app`; when the command line selects it, `run` is set to the function that does the work and
// returns the process exit code (exit_code.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace es::cli {

struct GlobalOptions {
  std::string db = "./events.db";  // --db URL
  // --tenant T: the command acts for this tenant only (es/store/tenant_store.h); empty: the
  // whole store.
  std::string tenant;
  // --keys PATH: the key store (SQLite file) of encrypted payloads; empty: none, reads show the
  // stored envelopes. --master-key-file F: its master key (else ES_MASTER_KEY). --encrypt
  // TYPE=FIELDS[@SUBJECT]: what appends encrypt (docs/cli.md "Encryption").
  std::string keys;
  std::string master_key_file;
  std::vector<std::string> encrypt;
  // --trace-log FILE: one JSON line per store operation is appended to FILE
  // (es/store/log_tracer.h); empty: none.
  std::string trace_log;
};

using Runner = std::function<int()>;

void add_append_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_read_commands(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_streams_stats_commands(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_delete_commands(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_export_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_import_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_bench_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_demo_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_tail_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_projections_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_dlq_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_verify_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_relay_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_consume_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_shred_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_keys_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_migrate_command(CLI::App& app, const GlobalOptions& global, Runner& run);
void add_serve_command(CLI::App& app, const GlobalOptions& global, Runner& run);

}  // namespace es::cli
