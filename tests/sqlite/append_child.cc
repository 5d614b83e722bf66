// A child process for the multi-process and crash tests: opens a SQLite store and appends in a
// loop, reporting each acknowledged event on stdout only after append() returned success.
//
//   sqlite_append_child DB NAME ROUNDS SYNC
//     DB      the store file
//     NAME    this child's own stream
//     ROUNDS  rounds to run, or -1 to run until killed
//     SYNC    full | normal | off, or import
// Each round appends one event to NAME under exact(version) and one to "shared" under any.
// Each acknowledged event is one line "STREAM VERSION ID POSITION\n", written with one write(2).
// With `import` (synchronous FULL, a 256 KiB page cache, the WAL restarted after each commit)
// each round is an import that fails: its first group spills some 600 KB of pages into the WAL,
// its second conflicts with NAME, to which the child appends before each import. Each failure is
// the line "import-failed", followed by a 50-ms pause in which other writers commit.
// Exit status: 0 after ROUNDS rounds, 2 on a failed append (the status goes to stderr), 64 usage.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "es/core/time.h"
#include "es/store/import.h"

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

int failing_imports(const std::string& path, const std::string& own, long rounds) {
  es::SqliteOptions options;
  options.cache_size_kib = 256;
  options.wal_restart_pages = 1;
  options.busy_timeout_ms = 60'000;
  auto store = es::open_sqlite(path, options);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().to_string().c_str());
    return 2;
  }
  const std::vector<es::EventData> taken{{.type = "child.Taken", .data = "{}"}};
  if (!(*store)->append(own, es::ExpectedVersion::any(), taken)) return 2;
  const std::string pad = "{\"pad\":\"" + std::string(2000, 'x') + "\"}";
  for (long round = 0; rounds < 0 || round < rounds; ++round) {
    // A commit of its own first: past wal_restart_pages it copies the WAL into the database, so
    // the import starts a fresh WAL (where a rollback rereads nothing from it).
    if (!(*store)->append(own, es::ExpectedVersion::any(), taken)) return 2;
    std::vector<es::EventData> big;
    for (int i = 0; i < 300; ++i)
      big.push_back({.id = es::Uuid::v7(), .type = "child.Big", .data = pad});
    std::vector<es::EventData> clash{{.id = es::Uuid::v7(), .type = "child.Clash", .data = "{}"}};
    const std::string stream = own + "-import-" + std::to_string(round);
    const es::AppendRequest first{
        .stream = stream, .expected = es::ExpectedVersion::no_stream(), .events = big};
    const es::AppendRequest second{
        .stream = own, .expected = es::ExpectedVersion::no_stream(), .events = clash};
    const es::ImportGroup groups[] = {{.requests = {&first, 1}, .recorded_at = es::now()},
                                      {.requests = {&second, 1}, .recorded_at = es::now()}};
    auto imported = (*store)->import(groups);
    if (imported) {
      std::fprintf(stderr, "an import that conflicts succeeded\n");
      return 2;
    }
    if (!write_all("import-failed\n")) return 3;
    // Room for the other process to commit over the WAL the import spilled into.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
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
  if (sync == "import") return failing_imports(path, own, rounds);
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
