// GroupCommit against a fake transaction: each job gets its own result, a failing job's effects
// are rolled back alone, and a failed commit fails every job of its group.
#include "store/group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <new>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace es::detail {
namespace {

// A transaction over a list of integers; only one leader drives it at a time. Like SQLite, a
// SAVEPOINT outside a transaction begins one, which its RELEASE commits.
class FakeTransaction final : public WriteTransaction {
 public:
  Status begin() override {
    if (fail_begin) return Status::unavailable("begin failed");
    working_ = committed;
    jobs_in_group_ = 0;
    in_transaction_ = true;
    ++transactions;
    if (fail_after_begin) return Status::unavailable("read after begin failed");
    return Status::ok();
  }
  Status commit() override {
    max_group = std::max(max_group, jobs_in_group_);
    if (!in_transaction_) return Status::unavailable("cannot commit - no transaction is active");
    if (fail_commit) return Status::unavailable("commit failed");
    committed = working_;
    in_transaction_ = false;
    return Status::ok();
  }
  void rollback() override {
    max_group = std::max(max_group, jobs_in_group_);
    in_transaction_ = false;
  }
  Status savepoint() override {
    if (!in_transaction_) {
      in_transaction_ = true;
      outside_ = true;
      working_ = committed;
    }
    saved_ = working_;
    return Status::ok();
  }
  Status rollback_to_savepoint() override {
    if (!in_transaction_ || fail_rollback_to) return Status::unavailable("no such savepoint");
    working_ = saved_;
    return Status::ok();
  }
  Status release_savepoint() override {
    if (!in_transaction_) return Status::unavailable("no such savepoint");
    if (outside_) {
      committed = working_;
      in_transaction_ = outside_ = false;
    }
    return Status::ok();
  }
  bool in_transaction() override { return in_transaction_; }

  // Job body: records `value` in the transaction.
  void write(int value) {
    working_.push_back(value);
    ++jobs_in_group_;
  }
  // What a database does on an I/O error or a full disk: the whole transaction rolls back.
  void abort() {
    working_ = committed;
    in_transaction_ = false;
  }

  bool fail_begin = false;
  bool fail_after_begin = false;
  bool fail_commit = false;
  bool fail_rollback_to = false;
  std::vector<int> committed;
  std::size_t max_group = 0;
  int transactions = 0;

 private:
  std::vector<int> working_;
  std::vector<int> saved_;
  std::size_t jobs_in_group_ = 0;
  bool in_transaction_ = false;
  bool outside_ = false;
};

TEST(GroupCommit, LoneJobCommitsItsEffects) {
  FakeTransaction txn;
  GroupCommit group(txn, 16);
  EXPECT_TRUE(group
                  .run([&] {
                    txn.write(1);
                    return Status::ok();
                  })
                  .is_ok());
  EXPECT_EQ(txn.committed, std::vector<int>{1});
  EXPECT_EQ(txn.transactions, 1);
}

TEST(GroupCommit, FailingLoneJobLeavesNothingBehind) {
  FakeTransaction txn;
  GroupCommit group(txn, 16);
  const Status s = group.run([&] {
    txn.write(1);
    return Status::conflict({"s", "1", 2});
  });
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  ASSERT_NE(s.conflict(), nullptr);
  EXPECT_TRUE(txn.committed.empty());
}

TEST(GroupCommit, BeginFailureIsReturnedToTheJob) {
  FakeTransaction txn;
  txn.fail_begin = true;
  GroupCommit group(txn, 16);
  bool ran = false;
  const Status s = group.run([&] {
    ran = true;
    return Status::ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(ran);
}

TEST(GroupCommit, ABeginThatFailsHalfwayIsRolledBack) {
  FakeTransaction txn;
  txn.fail_after_begin = true;
  GroupCommit group(txn, 16);
  EXPECT_EQ(group.run([] { return Status::ok(); }).code(), StatusCode::kUnavailable);
  EXPECT_FALSE(txn.in_transaction());
}

// Runs `threads` x `per_thread` jobs at once; job (t, i) writes t * 100000 + i and fails when
// `fails(t, i)`. Returns each job's status.
std::vector<std::vector<Status>> run_concurrently(GroupCommit& group, FakeTransaction& txn,
                                                  int threads, int per_thread,
                                                  bool (*fails)(int, int)) {
  std::vector<std::vector<Status>> statuses(static_cast<std::size_t>(threads));
  std::latch start(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < per_thread; ++i) {
        statuses[static_cast<std::size_t>(t)].push_back(group.run([&, t, i] {
          txn.write(t * 100000 + i);
          return fails(t, i) ? Status::conflict({"s", "0", 1}) : Status::ok();
        }));
      }
    });
  }
  for (auto& w : workers) w.join();
  return statuses;
}

TEST(GroupCommit, OneFailingJobDoesNotFailTheOthersOfItsGroup) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 300;
  auto fails = [](int t, int i) { return t == 0 && i % 3 == 0; };
  // Grouping depends on timing; retry until a multi-job group was actually exercised.
  for (int attempt = 0; attempt < 20; ++attempt) {
    FakeTransaction txn;
    GroupCommit group(txn, 64);
    const auto statuses = run_concurrently(group, txn, kThreads, kPerThread, fails);
    std::set<int> expected;
    for (int t = 0; t < kThreads; ++t) {
      for (int i = 0; i < kPerThread; ++i) {
        const Status& s = statuses[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)];
        if (fails(t, i)) {
          ASSERT_EQ(s.code(), StatusCode::kConflict) << t << "/" << i;
        } else {
          ASSERT_TRUE(s.is_ok()) << t << "/" << i << ": " << s.to_string();
          expected.insert(t * 100000 + i);
        }
      }
    }
    const std::set<int> committed(txn.committed.begin(), txn.committed.end());
    ASSERT_EQ(committed.size(), txn.committed.size()) << "a job's effects were committed twice";
    ASSERT_EQ(committed, expected);
    ASSERT_LE(txn.max_group, 64u);
    if (txn.max_group > 1) return;
  }
  GTEST_SKIP() << "no two jobs ever shared a group transaction; grouping was not exercised";
}

TEST(GroupCommit, GroupsNeverExceedTheirMaximumSize) {
  FakeTransaction txn;
  GroupCommit group(txn, 2);
  run_concurrently(group, txn, 8, 200, [](int, int) { return false; });
  EXPECT_EQ(txn.committed.size(), 8u * 200u);
  EXPECT_LE(txn.max_group, 2u);
}

TEST(GroupCommit, FailedCommitFailsEveryJobAndKeepsNothing) {
  FakeTransaction txn;
  txn.fail_commit = true;
  GroupCommit group(txn, 64);
  const auto statuses =
      run_concurrently(group, txn, 8, 100, [](int t, int i) { return t == 1 && i % 2 == 0; });
  for (int t = 0; t < 8; ++t) {
    for (int i = 0; i < 100; ++i) {
      const Status& s = statuses[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)];
      // A job that failed on its own keeps its own error; every other one gets the commit's.
      const StatusCode want =
          t == 1 && i % 2 == 0 ? StatusCode::kConflict : StatusCode::kUnavailable;
      ASSERT_EQ(s.code(), want) << t << "/" << i << ": " << s.to_string();
    }
  }
  EXPECT_TRUE(txn.committed.empty());
}

// Jobs 0..count-1: job i writes i, and fails with a conflict when i == failing.
std::vector<GroupCommit::Job> writing_jobs(FakeTransaction& txn, int count, int failing = -1) {
  std::vector<GroupCommit::Job> jobs;
  for (int i = 0; i < count; ++i) {
    jobs.emplace_back([&txn, i, failing] {
      txn.write(i);
      return i == failing ? Status::conflict({"s", "0", 1}) : Status::ok();
    });
  }
  return jobs;
}

TEST(GroupCommit, RunEachRunsItsJobsInOrderEachInItsOwnSavepoint) {
  FakeTransaction txn;
  GroupCommit group(txn, 64);
  const std::vector<Status> statuses = group.run_each(writing_jobs(txn, 5, /*failing=*/2));
  ASSERT_EQ(statuses.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(statuses[static_cast<std::size_t>(i)].code(),
              i == 2 ? StatusCode::kConflict : StatusCode::kOk)
        << i;
  }
  EXPECT_EQ(txn.committed, (std::vector<int>{0, 1, 3, 4}));
  EXPECT_EQ(txn.transactions, 1) << "a lone caller's jobs share one transaction";
}

TEST(GroupCommit, RunEachBeyondTheMaximumGroupSizeTakesSeveralGroups) {
  FakeTransaction txn;
  GroupCommit group(txn, 3);
  for (const Status& s : group.run_each(writing_jobs(txn, 10))) {
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }
  EXPECT_EQ(txn.committed, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(txn.transactions, 4);
  EXPECT_LE(txn.max_group, 3u);
}

TEST(GroupCommit, AJobWhoseErrorEndsTheTransactionFailsItsWholeGroupAndTheRestDoNotRun) {
  FakeTransaction txn;
  GroupCommit group(txn, 64);
  std::vector<int> ran;
  std::vector<GroupCommit::Job> jobs;
  for (int i = 0; i < 5; ++i) {
    jobs.emplace_back([&, i] {
      ran.push_back(i);
      txn.write(i);
      if (i != 2) return Status::ok();
      txn.abort();
      return Status::unavailable("disk I/O error");
    });
  }
  const std::vector<Status> statuses = group.run_each(jobs);
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2}));
  for (int i = 0; i < 5; ++i) {
    const Status& s = statuses[static_cast<std::size_t>(i)];
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << i;
    if (i != 2) {
      EXPECT_NE(s.message().find("nothing of this append's commit group was committed"),
                std::string_view::npos)
          << i << ": " << s.to_string();
    }
  }
  EXPECT_TRUE(txn.committed.empty());
  EXPECT_FALSE(txn.in_transaction());
}

TEST(GroupCommit, ASavepointThatCannotBeRolledBackFailsTheGroup) {
  FakeTransaction txn;
  txn.fail_rollback_to = true;
  GroupCommit group(txn, 64);
  const std::vector<Status> statuses = group.run_each(writing_jobs(txn, 4, /*failing=*/1));
  EXPECT_EQ(statuses[0].code(), StatusCode::kUnavailable);
  EXPECT_EQ(statuses[1].code(), StatusCode::kConflict);
  EXPECT_EQ(statuses[2].code(), StatusCode::kUnavailable);
  EXPECT_EQ(statuses[3].code(), StatusCode::kUnavailable);
  EXPECT_TRUE(txn.committed.empty()) << "the failed job's writes were not undone";
}

TEST(GroupCommit, AJobThatThrowsFailsItsGroupAndTheNextGroupRuns) {
  FakeTransaction txn;
  GroupCommit group(txn, 64);
  std::vector<GroupCommit::Job> jobs = writing_jobs(txn, 3);
  jobs[1] = [&]() -> Status {
    txn.write(1);
    throw std::bad_alloc();
  };
  const std::vector<Status> statuses = group.run_each(jobs);
  EXPECT_EQ(statuses[0].code(), StatusCode::kUnavailable);
  EXPECT_EQ(statuses[1].code(), StatusCode::kInternal);
  EXPECT_EQ(statuses[2].code(), StatusCode::kUnavailable);
  EXPECT_TRUE(txn.committed.empty()) << "a job that threw may have left its writer half-changed";

  const Status lone = group.run([]() -> Status { throw std::runtime_error("boom"); });
  EXPECT_EQ(lone.code(), StatusCode::kInternal);
  EXPECT_NE(lone.message().find("boom"), std::string_view::npos);
  EXPECT_TRUE(group
                  .run([&] {
                    txn.write(7);
                    return Status::ok();
                  })
                  .is_ok());
  EXPECT_EQ(txn.committed, (std::vector<int>{7}));
}

// Callers of run_each and of run at once: every job ends exactly once with its own status.
TEST(GroupCommit, RunEachAndRunShareGroups) {
  FakeTransaction txn;
  GroupCommit group(txn, 16);
  constexpr int kThreads = 4;
  constexpr int kRounds = 100;
  std::latch start(kThreads * 2);
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int round = 0; round < kRounds; ++round) {
        std::vector<GroupCommit::Job> jobs;
        for (int i = 0; i < 6; ++i) {
          const int value = t * 100000 + round * 10 + i;
          jobs.emplace_back([&txn, value, i] {
            txn.write(value);
            return i == 5 ? Status::conflict({"s", "0", 1}) : Status::ok();
          });
        }
        const std::vector<Status> statuses = group.run_each(jobs);
        for (int i = 0; i < 6; ++i) {
          ASSERT_EQ(statuses[static_cast<std::size_t>(i)].is_ok(), i != 5);
        }
      }
    });
    workers.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int round = 0; round < kRounds; ++round) {
        const int value = -(t * 100000 + round) - 1;
        ASSERT_TRUE(group
                        .run([&txn, value] {
                          txn.write(value);
                          return Status::ok();
                        })
                        .is_ok());
      }
    });
  }
  for (auto& w : workers) w.join();
  const std::set<int> committed(txn.committed.begin(), txn.committed.end());
  EXPECT_EQ(committed.size(), txn.committed.size()) << "a job's effects were committed twice";
  EXPECT_EQ(committed.size(), static_cast<std::size_t>(kThreads * kRounds * (5 + 1)));
}

}  // namespace
}  // namespace es::detail
