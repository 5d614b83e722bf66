// es shred SUBJECT: destroys the subject's data key (crypto-shredding, docs/security.md); its
// encrypted payloads read as erased from then on, and the log stays complete and verifiable.
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"

namespace es::cli {
namespace {

int run_shred(const std::string& subject, const GlobalOptions& global) {
  auto keys = open_keys(global, false);
  if (!keys) return report(keys.error());
  const Status status = (*keys)->shred(subject);
  if (!status.is_ok()) return report(status);
  if (!write_line(std::cout, {{"subject", subject}, {"shredded", true}}) || !std::cout.flush()) {
    return report(Status::unavailable("cannot write to stdout"));
  }
  return 0;
}

}  // namespace

void add_shred_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto subject = std::make_shared<std::string>();
  CLI::App* sub =
      app.add_subcommand("shred", "Destroy a subject's data key: its payloads read as erased");
  sub->add_option("SUBJECT", *subject, "The subject (as the --encrypt policy found it)")
      ->required();
  sub->footer(
      "Needs --keys and the master key. The subject's encrypted members are unreadable for\n"
      "ever: reads show them absent, with \"_es_erased\": {\"key\", \"fields\"} in their place.\n"
      "The events and their hash chain stay as they were, so `es verify` still passes.\n"
      "Prints {\"subject\",\"shredded\":true}; exit 4 when the key store has no key for SUBJECT.");
  sub->callback([subject, &global, &run] {
    run = [subject, &global] { return run_shred(*subject, global); };
  });
}

}  // namespace es::cli
