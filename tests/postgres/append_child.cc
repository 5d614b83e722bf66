// A writer process for the ordering tests: opens the postgres store in a given schema and appends
// in a loop, reporting each acknowledged event on stdout only after append() returned success.
//
//   postgres_append_child URL SCHEMA NAME ROUNDS
// Round i appends 1 + i % 2 events to NAME under exact(version) and one to "shared" under any.
// Each acknowledged event is one line "STREAM VERSION ID POSITION\n", written with one write(2).
// Exit status: 0 after ROUNDS rounds, 2 on a failed append (the status goes to stderr), 64 usage.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "es/store/postgres_store.h"

namespace {

bool report(const std::string& stream, std::int64_t version, const es::Uuid& id,
            const es::Position& position) {
  const std::string line = stream + " " + std::to_string(version) + " " + id.to_string() + " " +
                           position.to_string() + "\n";
  return ::write(STDOUT_FILENO, line.data(), line.size()) == static_cast<ssize_t>(line.size());
}

// Appends `count` fresh events to `stream` and reports them; false on failure.
bool append(es::EventStore& store, const std::string& stream, es::ExpectedVersion expected,
            std::size_t count, std::int64_t& version) {
  std::vector<es::EventData> events;
  for (std::size_t i = 0; i < count; ++i) {
    events.push_back({.id = es::Uuid::v7(), .type = "child.Appended", .data = "{}"});
  }
  auto r = store.append(stream, expected, events);
  if (!r) {
    std::fprintf(stderr, "append %s: %s\n", stream.c_str(), r.error().to_string().c_str());
    return false;
  }
  version = r->last_version;
  // At most two events per append, so each one's position is the first or the last.
  for (std::size_t i = 0; i < count; ++i) {
    const es::Position& p = i == 0 ? r->first_position : r->last_position;
    if (!report(stream, r->first_version + static_cast<std::int64_t>(i), events[i].id, p)) {
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s URL SCHEMA NAME ROUNDS\n", argv[0]);
    return 64;
  }
  es::PostgresOptions options;
  options.schema = argv[2];
  auto store = es::open_postgres(argv[1], options);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().to_string().c_str());
    return 2;
  }
  const std::string own = argv[3];
  const long rounds = std::strtol(argv[4], nullptr, 10);
  std::int64_t version = 0;
  std::int64_t shared = 0;
  for (long round = 0; round < rounds; ++round) {
    const auto count = static_cast<std::size_t>(1 + round % 2);
    if (!append(**store, own, es::ExpectedVersion::exact(version), count, version)) return 2;
    if (!append(**store, "shared", es::ExpectedVersion::any(), 1, shared)) return 2;
  }
  return 0;
}
