// es keys generate | rotate --new-master-key-file F: a fresh master key, and the re-wrapping of
// every data key of --keys under a new master key (docs/security.md "Rotating the master key").
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"

namespace es::cli {
namespace {

int run_generate() {
  if (!(std::cout << MasterKey::generate().to_hex() << '\n') || !std::cout.flush()) {
    return report(Status::unavailable("cannot write to stdout"));
  }
  return 0;
}

int run_rotate(const std::string& new_key_file, const GlobalOptions& global) {
  auto next = MasterKey::from_file(new_key_file);
  if (!next) return report(next.error());
  auto keys = open_keys(global, false);
  if (!keys) return report(keys.error());
  const std::string from = (*keys)->master_fingerprint();
  const Status status = (*keys)->rotate_master_key(*next);
  if (!status.is_ok()) return report(status);
  if (!write_line(std::cout,
                  {{"keys", global.keys}, {"from", from}, {"to", next->fingerprint()}}) ||
      !std::cout.flush()) {
    return report(Status::unavailable("cannot write to stdout"));
  }
  return 0;
}

}  // namespace

void add_keys_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  CLI::App* keys = app.add_subcommand("keys", "Master keys of the key store (--keys)");
  keys->require_subcommand(1);

  CLI::App* generate =
      keys->add_subcommand("generate", "Print a fresh random master key (64 hex digits)");
  generate->footer("Write it to a file only you can read: es keys generate > master.key");
  generate->callback([&run] { run = [] { return run_generate(); }; });

  auto new_key_file = std::make_shared<std::string>();
  CLI::App* rotate = keys->add_subcommand(
      "rotate", "Re-wrap every data key of --keys under a new master key, atomically");
  rotate->add_option("--new-master-key-file", *new_key_file, "The new master key")->required();
  rotate->footer(
      "Opens --keys with the current master key (--master-key-file or ES_MASTER_KEY), re-wraps\n"
      "every data key under the new one in one transaction and prints {\"keys\",\"from\",\"to\"}\n"
      "(fingerprints). Afterwards only the new master key opens the key store.");
  rotate->callback([new_key_file, &global, &run] {
    run = [new_key_file, &global] { return run_rotate(*new_key_file, global); };
  });
}

}  // namespace es::cli
