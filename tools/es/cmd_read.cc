// es read STREAM and es read-all: events as NDJSON, streamed page by page (memory stays O(page)).
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "es/core/time.h"
#include "event_json.h"
#include "exit_code.h"
#include "open_store.h"
#include "upcasters.h"
#include "validators.h"

namespace es::cli {
namespace {

constexpr std::uint64_t kPage = 1000;

struct ReadArgs {
  std::string stream;
  std::int64_t from = 0;
  bool backwards = false;
  std::uint64_t limit = kUnlimited;
  std::string as_of;
  bool upcast = false;
  CLI::Option* from_option = nullptr;
  CLI::Option* as_of_option = nullptr;
};

struct ReadAllArgs {
  std::string from;
  std::uint64_t limit = kUnlimited;
  std::vector<std::string> types;
  std::vector<std::string> categories;
  std::string prefix;
  std::string until;
  bool upcast = false;
  CLI::Option* until_option = nullptr;
};

// Prints each visited event until `limit` stored events, upcast first when `upcasters` is set;
// remembers a failed write or upcast to stop the read.
class EventPrinter {
 public:
  EventPrinter(std::uint64_t limit, const Upcasters* upcasters)
      : limit_(limit), upcasters_(upcasters) {}

  bool operator()(const RecordedEvent& event) {
    if (printed_ == limit_) return false;
    if (!print(event)) return false;
    return ++printed_ < limit_;
  }

  // The exit code once the read returned `status`.
  int finish(const Status& status) {
    if (!status.is_ok()) return report(status);
    if (!upcast_failure_.is_ok()) return report(upcast_failure_);
    std::cout.flush();
    if (write_failed_ || !std::cout) return report(Status::unavailable("cannot write to stdout"));
    return 0;
  }

 private:
  bool print(const RecordedEvent& event) {
    if (upcasters_ == nullptr || !upcasters_->applies_to(event.type, event.schema_version)) {
      return write(event_json(event, PayloadMode::kReadable));
    }
    // The stored event becomes as many lines as it upcasts into (none when a step drops it).
    current_.clear();
    const Status upcast =
        upcasters_->upcast({event.type, event.schema_version, event.data}, current_);
    if (!upcast.is_ok()) {
      upcast_failure_ = Status(
          upcast.code(),
          fmt::format("stream '{}' version {}: {}", event.stream, event.version, upcast.message()));
      return false;
    }
    for (const StoredPayload& payload : current_) {
      if (!write(upcast_event_json(event, payload))) return false;
    }
    return true;
  }

  bool write(const Json& line) {
    if (write_line(std::cout, line)) return true;
    write_failed_ = true;
    return false;
  }

  std::uint64_t limit_;
  const Upcasters* upcasters_;
  std::uint64_t printed_ = 0;
  bool write_failed_ = false;
  Status upcast_failure_;
  std::vector<StoredPayload> current_;
};

const Upcasters* upcasters_if(bool upcast) { return upcast ? &compiled_upcasters() : nullptr; }

Result<std::optional<Timestamp>> time_option(const CLI::Option* option, const std::string& text) {
  if (!*option) return std::optional<Timestamp>();
  auto parsed = parse_time(text);
  if (!parsed) return parsed.error();
  return std::optional<Timestamp>(*parsed);
}

int run_read(const ReadArgs& args, const GlobalOptions& global) {
  ReadStreamOptions options;
  if (*args.from_option) options.from_version = args.from;
  options.direction = args.backwards ? Direction::kBackward : Direction::kForward;
  options.max_count = std::min(args.limit, kPage);
  auto as_of = time_option(args.as_of_option, args.as_of);
  if (!as_of) return usage_error(fmt::format("--as-of: {}", as_of.error().message()));
  options.as_of = *as_of;

  auto store = open_store(global, Access::kRead);
  if (!store) return report(store.error());
  auto info = (*store)->stream_info(args.stream);
  if (!info) return report(info.error());
  if (info->state == StreamState::kAbsent) {
    return report(Status::not_found(fmt::format("stream '{}' not found", args.stream)));
  }
  EventPrinter printer(args.limit, upcasters_if(args.upcast));
  return printer.finish((*store)->visit_stream(args.stream, options, std::ref(printer)));
}

int run_read_all(const ReadAllArgs& args, const GlobalOptions& global) {
  ReadAllOptions options;
  if (!args.from.empty()) {
    auto from = Position::parse(args.from);
    if (!from) return usage_error(fmt::format("--from: {}", from.error().message()));
    options.from = *from;
  }
  options.max_count = std::min(args.limit, kPage);
  options.filter.types = args.types;
  options.filter.categories = args.categories;
  options.filter.stream_prefix = args.prefix;
  auto until = time_option(args.until_option, args.until);
  if (!until) return usage_error(fmt::format("--until: {}", until.error().message()));
  options.until = *until;

  auto store = open_store(global, Access::kRead);
  if (!store) return report(store.error());
  EventPrinter printer(args.limit, upcasters_if(args.upcast));
  return printer.finish((*store)->visit_all(options, std::ref(printer)));
}

}  // namespace

void add_read_commands(CLI::App& app, const GlobalOptions& global, Runner& run) {
  constexpr auto kLineFormat =
      "Prints NDJSON, one event per line: {\"id\",\"stream\",\"version\",\"position\",\"type\",\n"
      "\"schema_version\",\"data\",\"metadata\",\"tenant\",\"recorded_at\"}. data is embedded as\n"
      "JSON; a payload that is not JSON is a string with \"data_encoding\":\"text\" (UTF-8) or\n"
      "\"base64\". Times are ISO-8601 UTC (2026-01-15T09:30:00Z; a date alone is midnight).\n"
      "--upcast prints events as today's code reads them, through the upcasters compiled\n"
      "into es (the bank example's). A stored event that becomes several prints several\n"
      "lines, each keeping the stored id, stream, version and position and adding\n"
      "\"upcast_from\":{\"type\",\"schema_version\"}. --limit and the filters count and match\n"
      "stored events. An event that fails to upcast stops the read with exit 1.";

  auto read = std::make_shared<ReadArgs>();
  CLI::App* sub = app.add_subcommand("read", "Read the events of one stream");
  sub->add_option("STREAM", read->stream, "The stream")->required();
  read->from_option = sub->add_option("--from", read->from, "First version to print (inclusive)")
                          ->check(at_least(0));
  sub->add_flag("--backwards", read->backwards, "Newest first");
  sub->add_option("--limit", read->limit, "At most this many events")->check(at_least(1));
  read->as_of_option = sub->add_option("--as-of", read->as_of, "The stream as it was at this time");
  sub->add_flag("--upcast", read->upcast, "Print events upcast to today's schema (see below)");
  sub->footer(std::string(kLineFormat) +
              "\nExit 4 when the stream does not exist; a soft-deleted stream prints nothing;\n"
              "a tombstoned one fails with stream_deleted (exit 1).");
  sub->callback(
      [read, &global, &run] { run = [read, &global] { return run_read(*read, global); }; });

  auto all = std::make_shared<ReadAllArgs>();
  sub = app.add_subcommand("read-all", "Read the global feed of all events, in position order");
  sub->add_option("--from", all->from, "Start strictly after this position (as printed)");
  sub->add_option("--limit", all->limit, "At most this many events")->check(at_least(1));
  sub->add_option("--type", all->types, "Only this event type (repeatable: any of them)");
  sub->add_option("--category", all->categories,
                  "Only streams of this category, the name before the first '-' (repeatable)");
  sub->add_option("--prefix", all->prefix, "Only streams whose name starts with this");
  all->until_option =
      sub->add_option("--until", all->until, "Only events recorded at or before this time");
  sub->add_flag("--upcast", all->upcast, "Print events upcast to today's schema (see below)");
  sub->footer(kLineFormat);
  sub->callback(
      [all, &global, &run] { run = [all, &global] { return run_read_all(*all, global); }; });
}

}  // namespace es::cli
