// I/O errors and a full disk at every step of a commit group and of the checkpoint after it
// (sqlite/fault_vfs.h): each append is reported with its true outcome (what was reported ok is
// there after a reopen, what was reported failed is not), the file stays sound, and the same
// handle appends again once the disk is back.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "es/store/sqlite_store.h"
#include "sqlite/fault_vfs.h"
#include "sqlite/raw_sqlite.h"
#include "support/events.h"
#include "support/temp_dir.h"

namespace es::testing {
namespace {

struct Fault {
  const char* name;
  int error;
  bool sticky;
};

constexpr Fault kFaults[] = {
    {"write error", SQLITE_IOERR_WRITE, false},
    {"fsync error", SQLITE_IOERR_FSYNC, false},
    {"full disk", SQLITE_FULL, true},
};

// One commit group: five appends through append_each, one of them a conflict. The events are
// large and the page cache small, so pages spill to the WAL (and are read back) inside the
// appends, not only at the commit.
struct Group {
  std::vector<std::vector<EventData>> events;
  std::vector<std::string> streams;
  std::vector<AppendRequest> requests;

  Group() {
    for (int i = 0; i < 5; ++i) {
      streams.push_back("s-" + std::to_string(i));
      events.emplace_back();
      for (int e = 0; e < 40; ++e) {
        events.back().push_back(make_event(
            "test.Big", "{\"pad\":\"" + std::string(1500, static_cast<char>('a' + i)) + "\"}"));
      }
    }
    for (std::size_t i = 0; i < streams.size(); ++i) {
      // s-2 exists already: no_stream conflicts.
      requests.push_back(
          {.stream = streams[i], .expected = ExpectedVersion::no_stream(), .events = events[i]});
    }
  }
};

SqliteOptions fault_options() {
  SqliteOptions options;
  options.cache_size_kib = 128;
  options.wal_restart_pages = 1;  // each commit is followed by the writer's own checkpoint
  return options;
}

// Creates the store with s-2 in it.
void prepare(const std::string& path) {
  auto store = open_sqlite(path, fault_options());
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  ES_ASSERT_OK((*store)->append("s-2", ExpectedVersion::no_stream(), make_events(1)));
}

// Runs the group with `plan` armed; checks what the store holds afterwards against what each
// append was told.
void run_group_and_check(const std::string& path, const FaultPlan& plan, const std::string& what) {
  SCOPED_TRACE(what);
  prepare(path);
  Group group;
  std::vector<Result<AppendResult>> results;
  {
    auto store = open_sqlite(path, fault_options());
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    arm_faults(plan);
    results = (*store)->append_each(group.requests);
    disarm_faults();
    // The disk is back: the same handle writes again.
    ES_EXPECT_OK((*store)->append("after", ExpectedVersion::any(), make_events(1)));
  }
  EXPECT_EQ(integrity_check(path), "ok");
  auto reopened = open_sqlite(path, SqliteOptions{});
  ASSERT_TRUE(reopened.has_value()) << reopened.error().to_string();
  for (std::size_t i = 0; i < group.requests.size(); ++i) {
    const std::vector<RecordedEvent> stored = read_stream_events(**reopened, group.streams[i]);
    if (i == 2) {
      EXPECT_FALSE(results[i].has_value()) << "the conflicting append succeeded";
      EXPECT_EQ(stored.size(), 1U);
    } else if (results[i].has_value()) {
      EXPECT_EQ(ids_of(stored), ids_of(group.events[i])) << "append " << i << " reported ok";
    } else {
      EXPECT_TRUE(stored.empty()) << "append " << i << " reported '"
                                  << results[i].error().to_string() << "' but is stored";
    }
  }
  EXPECT_EQ(read_stream_events(**reopened, "after").size(), 1U);
  auto report = (*reopened)->verify();
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report->intact());
}

TEST(SqliteFaults, EveryStepOfACommitGroupAndItsCheckpointReportsTheTrueOutcome) {
  int steps = 0;
  {
    TempDir dir;
    const std::string path = dir.file("count.db");
    prepare(path);
    Group group;
    auto store = open_sqlite(path, fault_options());
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    arm_faults({});
    const auto results = (*store)->append_each(group.requests);
    steps = fault_steps();
    disarm_faults();
    for (std::size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i].has_value(), i != 2);
  }
  ASSERT_GT(steps, 3) << "the group did no I/O to fail";
  for (const Fault& fault : kFaults) {
    for (int step = 0; step < steps; ++step) {
      TempDir dir;
      run_group_and_check(dir.file("fault.db"),
                          {.fail_at = step, .error = fault.error, .sticky = fault.sticky},
                          std::string(fault.name) + " at step " + std::to_string(step) + " of " +
                              std::to_string(steps));
      if (HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace es::testing
