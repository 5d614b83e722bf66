// es append STREAM [TYPE [JSON]]: one event from the arguments, or NDJSON events from stdin,
// written in ONE atomic append.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "es/store/expected_version.h"
#include "event_json.h"
#include "exit_code.h"
#include "input_event.h"
#include "open_store.h"
#include "validators.h"

namespace es::cli {
namespace {

struct AppendArgs {
  std::string stream;
  std::string type;
  std::string json;
  std::string expected = "any";
  std::string id;
  std::string metadata;
  std::int32_t schema_version = 1;
  CLI::Option* type_option = nullptr;
  CLI::Option* json_option = nullptr;
  CLI::Option* id_option = nullptr;
  CLI::Option* metadata_option = nullptr;
};

// The events of one stream within the append, in input order.
struct StreamEvents {
  std::string stream;
  std::vector<EventData> events;
};

// Where each input event went: which StreamEvents, which index in it.
struct Slot {
  std::size_t request = 0;
  std::size_t index = 0;
};

struct Plan {
  std::vector<StreamEvents> requests;
  std::vector<Slot> order;
};

void add_event(Plan& plan, const std::string& stream, EventData event) {
  if (event.id.is_nil()) event.id = Uuid::v7();  // made here so that it can be printed
  std::size_t r = 0;
  while (r < plan.requests.size() && plan.requests[r].stream != stream) ++r;
  if (r == plan.requests.size()) plan.requests.push_back({stream, {}});
  plan.order.push_back({r, plan.requests[r].events.size()});
  plan.requests[r].events.push_back(std::move(event));
}

// Every line is checked before anything is written: a bad line fails the whole append.
Status read_stdin_events(const AppendArgs& args, const InputDefaults& defaults, Plan& plan) {
  if (isatty(STDIN_FILENO)) fmt::print(stderr, "es: reading NDJSON events from stdin\n");
  std::string line;
  for (std::uint64_t number = 1; std::getline(std::cin, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = fmt::format("line {}", number);
    auto in = parse_input_event(line, where, defaults);
    if (!in) return in.error();
    for (const auto& [present, key] : {std::pair{in->expected.has_value(), "expected"},
                                       std::pair{in->version.has_value(), "version"},
                                       std::pair{in->tenant.has_value(), "tenant"}}) {
      if (present) {
        return Status::invalid_argument(
            fmt::format("{}: \"{}\" is not taken by append (use --{})", where, key,
                        std::string_view(key) == "version" ? "expected" : key));
      }
    }
    add_event(plan, in->stream.value_or(args.stream), std::move(in->event));
  }
  if (std::cin.bad()) return Status::unavailable("cannot read stdin");
  if (plan.order.empty()) return Status::invalid_argument("no events on stdin");
  return Status::ok();
}

// Positions of the events between the first and the last of each request, which the append
// result does not name (positions are opaque: they are read back, never computed).
std::map<Uuid, Position> read_back_positions(EventStore& store, const Plan& plan,
                                             const std::vector<AppendResult>& results) {
  std::map<Uuid, Position> positions;
  for (std::size_t r = 0; r < plan.requests.size(); ++r) {
    if (plan.requests[r].events.size() < 3) continue;
    const AppendResult& result = results[r];
    ReadStreamOptions options;
    options.from_version = result.first_version + 1;
    options.max_count = 1000;
    (void)store.visit_stream(plan.requests[r].stream, options, [&](const RecordedEvent& e) {
      if (e.version >= result.last_version) return false;
      positions.emplace(e.id, e.position);
      return true;
    });
  }
  return positions;
}

// Named by the append result for the first and last event of a request, read back for those
// between; null when retention has hidden the event meanwhile.
const Position* position_of(const AppendResult& result, std::int64_t version, const Uuid& id,
                            const std::map<Uuid, Position>& between) {
  if (version == result.first_version) return &result.first_position;
  if (version == result.last_version) return &result.last_position;
  const auto it = between.find(id);
  return it == between.end() ? nullptr : &it->second;
}

int run_append(const AppendArgs& args, const GlobalOptions& global) {
  auto expected = ExpectedVersion::parse(args.expected);
  if (!expected) return usage_error(expected.error().message());
  InputDefaults defaults;
  defaults.schema_version = args.schema_version;
  if (*args.type_option) defaults.type = args.type;
  if (*args.metadata_option) {
    auto metadata = parse_payload_argument(args.metadata, "--metadata", /*must_be_object=*/true);
    if (!metadata) return report(metadata.error());
    defaults.metadata = std::move(*metadata);
  }

  Plan plan;
  if (*args.json_option) {
    EventData event;
    event.type = args.type;
    event.schema_version = args.schema_version;
    if (*args.id_option) {
      auto id = Uuid::parse(args.id);
      if (!id) return usage_error(fmt::format("--id '{}' is not a UUID", args.id));
      event.id = *id;
    }
    auto data = parse_payload_argument(args.json, "data", /*must_be_object=*/false);
    if (!data) return report(data.error());
    event.data = std::move(*data);
    if (defaults.metadata) event.metadata = *defaults.metadata;
    add_event(plan, args.stream, std::move(event));
  } else {
    if (*args.id_option) return usage_error("--id needs the JSON argument; give ids in the lines");
    if (Status s = read_stdin_events(args, defaults, plan); !s.is_ok()) return report(s);
  }

  auto store = open_store(global, Access::kWrite);
  if (!store) return report(store.error());
  std::vector<AppendRequest> batch;
  for (const StreamEvents& r : plan.requests) {
    batch.push_back({.stream = r.stream, .expected = *expected, .events = r.events});
  }
  auto results = (*store)->append(batch);
  if (!results) return report(results.error());

  const auto between = read_back_positions(**store, plan, *results);
  for (const Slot& slot : plan.order) {
    const AppendResult& result = (*results)[slot.request];
    const EventData& event = plan.requests[slot.request].events[slot.index];
    const std::int64_t version = result.first_version + static_cast<std::int64_t>(slot.index);
    const Position* position = position_of(result, version, event.id, between);
    if (!write_line(std::cout, appended_json(plan.requests[slot.request].stream, version, position,
                                             event.id))) {
      return report(Status::unavailable("cannot write to stdout"));
    }
  }
  std::cout.flush();
  return 0;
}

}  // namespace

void add_append_command(CLI::App& app, const GlobalOptions& global, Runner& run) {
  auto args = std::make_shared<AppendArgs>();
  CLI::App* sub = app.add_subcommand("append", "Append events to a stream, atomically");
  sub->add_option("STREAM", args->stream, "The stream, e.g. order-42")->required();
  args->type_option =
      sub->add_option("TYPE", args->type,
                      "Event type ([A-Za-z0-9_.:-]); with stdin, the type of lines without one");
  args->json_option =
      sub->add_option("JSON", args->json,
                      "The event data (any JSON value). Omitted: read NDJSON events from stdin");
  sub->add_option("--expected", args->expected, "Expected version: any, no-stream, exists or N")
      ->capture_default_str();
  args->id_option = sub->add_option("--id", args->id, "Event id (UUID); default: a new UUID v7");
  args->metadata_option = sub->add_option(
      "--metadata", args->metadata, "Metadata (a JSON object); with stdin, for lines without one");
  sub->add_option("--schema-version", args->schema_version, "Schema version of the data (>= 1)")
      ->capture_default_str()
      ->check(at_least(1));
  sub->footer(
      "Prints one JSON line per event: {\"stream\",\"version\",\"position\",\"id\"}.\n"
      "Without JSON, reads NDJSON from stdin, one event per line:\n"
      "  {\"type\":T,\"data\":D,\"metadata\"?:{..},\"id\"?:UUID,\"stream\"?:S,"
      "\"schema_version\"?:N}\n"
      "All lines are checked first and written in ONE atomic append (every line or none);\n"
      "lines naming another \"stream\" join the same atomic batch, and --expected applies to\n"
      "every stream of it.");
  sub->callback(
      [args, &global, &run] { run = [args, &global] { return run_append(*args, global); }; });
}

}  // namespace es::cli
