// A child process for the multi-process and crash tests: opens a SQLite store and appends in a
// loop, reporting each acknowledged event on stdout only after append() returned success.
//
//   sqlite_append_child DB NAME ROUNDS SYNC
//     DB      the store file
//     NAME    this child's own stream
//     ROUNDS  rounds to run, or -1 to run until killed
//     SYNC    full | normal | off
// Each round appends one event to NAME under exact(version) and one to "shared" under any.
// Each acknowledged event is one line "STREAM VERSION ID POSITION\n", written with one write(2).
// Exit status: 0 after ROUNDS rounds, 2 on a failed append (the status goes to stderr), 64 usage.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "es/store/sqlite_store.h"

namespace {

bool write_all(const std::string& line) {
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool report(const std::string& stream, std::int64_t version, const es::Uuid& id,
            const es::Position& position) {
  return write_all(stream + " " + std::to_string(version) + " " + id.to_string() + " " +
                   position.to_string() + "\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s DB NAME ROUNDS full|normal|off\n", argv[0]);
    return 64;
  }
  const std::string path = argv[1];
  const std::string own = argv[2];
  const long rounds = std::strtol(argv[3], nullptr, 10);
  const std::string sync = argv[4];
  es::SqliteOptions options;
  options.synchronous = sync == "off"      ? es::SqliteOptions::Synchronous::kOff
                        : sync == "normal" ? es::SqliteOptions::Synchronous::kNormal
                                           : es::SqliteOptions::Synchronous::kFull;
  options.busy_timeout_ms = 60'000;
  auto store = es::open_sqlite(path, options);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().to_string().c_str());
    return 2;
  }
  std::int64_t version = 0;
  for (long round = 0; rounds < 0 || round < rounds; ++round) {
    std::vector<es::EventData> mine{{.id = es::Uuid::v7(),
                                     .type = "child.Appended",
                                     .data = "{\"round\":" + std::to_string(round) + "}"}};
    auto r = (*store)->append(own, es::ExpectedVersion::exact(version), mine);
    if (!r) {
      std::fprintf(stderr, "append %s: %s\n", own.c_str(), r.error().to_string().c_str());
      return 2;
    }
    version = r->last_version;
    if (!report(own, r->first_version, mine[0].id, r->first_position)) return 3;
    std::vector<es::EventData> shared{{.id = es::Uuid::v7(), .type = "child.Shared", .data = "{}"}};
    auto s = (*store)->append("shared", es::ExpectedVersion::any(), shared);
    if (!s) {
      std::fprintf(stderr, "append shared: %s\n", s.error().to_string().c_str());
      return 2;
    }
    if (!report("shared", s->first_version, shared[0].id, s->first_position)) return 3;
  }
  return 0;
}
