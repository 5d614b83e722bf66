// The LISTEN/NOTIFY wake-up of the postgres backend: another process's commit reaches this
// process as a notification (not only through the head poll), wakes every waiter of
// wait_for_append, and a live subscription delivers the event. The tests assert that the wake-up
// happens, never how fast (the poll would make a timing assertion meaningless and flaky).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "es/projection/subscription.h"
#include "es/store/postgres_store.h"
#include "sqlite/child_process.h"
#include "store/postgres/listener.h"
#include "support/events.h"
#include "support/postgres.h"

namespace es::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds kLong{60'000};

class PostgresWakeUp : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = test_pg_url();
    ASSERT_FALSE(url_.empty());
    PostgresOptions options;
    options.schema = schema_;
    auto opened = open_postgres(url_, options);
    ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
    store_ = std::move(*opened);
  }

  // Another process appends one event to `stream` (and one to "shared") and exits.
  [[nodiscard]] std::unique_ptr<ChildProcess> append_elsewhere(const std::string& stream) const {
    return std::make_unique<ChildProcess>(std::vector<std::string>{url_, schema_, stream, "1"});
  }

  std::string url_;
  std::string schema_ = fresh_pg_schema();
  std::unique_ptr<EventStore> store_;
};

TEST_F(PostgresWakeUp, AnotherProcessesCommitArrivesAsANotification) {
  postgres::Listener listener(url_, schema_);
  EXPECT_FALSE(listener.wait(steady_clock::now())) << "a notification before any append";
  auto child = append_elsewhere("writer");
  EXPECT_TRUE(listener.wait(steady_clock::now() + kLong)) << "no notification within a minute";
  child->read_to_end();
  EXPECT_EQ(child->wait(), 0);
}

TEST_F(PostgresWakeUp, AnAppendByAnotherProcessWakesEveryWaiter) {
  constexpr int kWaiters = 4;
  std::vector<std::future<Result<Position>>> waiters;
  for (int i = 0; i < kWaiters; ++i) {
    waiters.push_back(std::async(
        std::launch::async, [&] { return store_->wait_for_append(Position::start(), kLong); }));
  }
  auto child = append_elsewhere("writer");
  for (auto& waiter : waiters) {
    auto head = waiter.get();
    ES_ASSERT_OK(head);
    EXPECT_GT(*head, Position::start()) << "a waiter timed out instead of waking";
  }
  child->read_to_end();
  EXPECT_EQ(child->wait(), 0);
}

TEST_F(PostgresWakeUp, ALiveSubscriptionDeliversAnotherProcesssAppend) {
  std::mutex mutex;
  std::vector<std::string> streams;
  auto sub = Subscription::start(*store_, {}, [&](const RecordedEvent& e) {
    const std::lock_guard lock(mutex);
    streams.push_back(e.stream);
    return Status::ok();
  });
  ES_ASSERT_OK(sub);
  auto child = append_elsewhere("writer");
  child->read_to_end();
  ASSERT_EQ(child->wait(), 0);
  const std::vector<ChildAck> acks = child->acks();
  ASSERT_EQ(acks.size(), 2U);
  auto last = Position::parse(acks.back().position);
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(sub->wait_for(*last, kLong)) << "the subscription did not wake";
  ES_EXPECT_OK(sub->stop());
  const std::lock_guard lock(mutex);
  EXPECT_EQ(streams, (std::vector<std::string>{"writer", "shared"}));
}

}  // namespace
}  // namespace es::testing
