// Dead letters on every backend: a failing event is retried, then parked with the later events
// of its stream while other streams go on and the checkpoint advances; retry redelivers the
// parked events in order and empties the queue; discard forgets them; the exactly-once runner
// parks inside its transactions.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>

#include "es/projection/dead_letter_store.h"
#include "es/projection/runner.h"
#include "es/projection/subscription.h"
#include "projection/ledger.h"
#include "projection/projection_backends.h"

namespace es::testing {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kPatience{60'000};
constexpr RetryPolicy kQuickRetry{
    .max_attempts = 3, .initial_backoff = milliseconds(1), .max_backoff = milliseconds(2)};

// A handler that fails on every event of one stream from one version on, while `broken`, and
// records what it handled.
class Picky {
 public:
  Picky(std::string stream, std::int64_t from_version)
      : stream_(std::move(stream)), from_version_(from_version) {}

  Status handle(const RecordedEvent& e) {
    std::lock_guard lock(mutex_);
    if (broken_ && e.stream == stream_ && e.version >= from_version_) {
      ++failures_;
      return Status::unavailable("the mail server is down");
    }
    handled_[e.stream].push_back(e.version);
    return Status::ok();
  }
  void fix() {
    std::lock_guard lock(mutex_);
    broken_ = false;
  }
  std::map<std::string, std::vector<std::int64_t>> handled() const {
    std::lock_guard lock(mutex_);
    return handled_;
  }
  int failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
  }

 private:
  const std::string stream_;
  const std::int64_t from_version_;
  mutable std::mutex mutex_;
  bool broken_ = true;
  int failures_ = 0;
  std::map<std::string, std::vector<std::int64_t>> handled_;
};

std::vector<std::int64_t> versions(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> out;
  for (std::int64_t v = first; v <= last; ++v) out.push_back(v);
  return out;
}

class DeadLetterTest : public ProjectionTest {
 protected:
  void SetUp() override {
    ProjectionTest::SetUp();
    letters_ = open_dead_letters();
    ASSERT_NE(letters_, nullptr);
  }

  // Five events in each of the streams a, b and c, interleaved.
  void append_interleaved() {
    for (int round = 0; round < 5; ++round) {
      for (const char* stream : {"a", "b", "c"}) {
        ES_ASSERT_OK(store().append(stream, ExpectedVersion::any(), make_events(1)));
      }
    }
  }
  Position head() {
    auto h = store().head_position();
    EXPECT_TRUE(h.has_value());
    return h.value_or(Position::start());
  }
  // Runs the subscription "mailer" with dead letters to the head and returns how it ended.
  Status run_to_head(Picky& picky, std::uint64_t page_size = 4) {
    SubscriptionOptions options{.name = "mailer",
                                .checkpoints = &checkpoints(),
                                .dead_letters = letters_.get(),
                                .retry = kQuickRetry,
                                .page_size = page_size,
                                .stop_at_head = true};
    auto sub = Subscription::start(store(), options,
                                   [&picky](const RecordedEvent& e) { return picky.handle(e); });
    if (!sub) return sub.error();
    EXPECT_TRUE(sub->wait_stopped(kPatience));
    return sub->status();
  }

  DeadLetterStore& letters() { return *letters_; }
  // The letter a run of "mailer" would have parked for `event` after three failed attempts.
  static DeadLetter parked_letter(const RecordedEvent& event) {
    return {.subscription = "mailer",
            .stream = event.stream,
            .version = event.version,
            .position = event.position,
            .event_id = event.id,
            .type = event.type,
            .error = "the mail server is down",
            .attempts = 3,
            .parked_at = now()};
  }
  std::unique_ptr<DeadLetterStore> letters_;
};

TEST_P(DeadLetterTest, AFailingEventIsRetriedThenParkedWithItsStreamWhileOtherStreamsGoOn) {
  append_interleaved();
  Picky picky("b", 2);
  ES_ASSERT_OK(run_to_head(picky));

  EXPECT_EQ(picky.failures(), 3) << "three attempts, then parked";
  const auto handled = picky.handled();
  EXPECT_EQ(handled.at("a"), versions(1, 5));
  EXPECT_EQ(handled.at("c"), versions(1, 5));
  EXPECT_EQ(handled.at("b"), versions(1, 1));
  auto checkpoint = checkpoints().load("mailer");
  ES_ASSERT_OK(checkpoint);
  EXPECT_EQ(*checkpoint, std::optional<Position>(head())) << "moved past the parked events";

  auto parked = letters().list("mailer");
  ES_ASSERT_OK(parked);
  ASSERT_EQ(parked->size(), 4U);
  EXPECT_EQ((*parked)[0].stream, "b");
  EXPECT_EQ((*parked)[0].version, 2);
  EXPECT_EQ((*parked)[0].attempts, 3U);
  EXPECT_NE((*parked)[0].error.find("the mail server is down"), std::string::npos);
  for (std::size_t i = 1; i < parked->size(); ++i) {
    EXPECT_EQ((*parked)[i].version, static_cast<std::int64_t>(i) + 2);
    EXPECT_EQ((*parked)[i].attempts, 0U) << "parked behind, never called";
    EXPECT_EQ((*parked)[i].error, "parked behind " + (*parked)[0].position.to_string());
    EXPECT_LT((*parked)[i - 1].position, (*parked)[i].position);
  }
  auto depth = letters().count("mailer");
  ES_ASSERT_OK(depth);
  EXPECT_EQ(*depth, 4U);
  EXPECT_EQ(letters().count("someone-else").value_or(99), 0U);
}

TEST_P(DeadLetterTest, RetryRedeliversTheParkedEventsInOrderAndEmptiesTheQueue) {
  append_interleaved();
  Picky picky("b", 2);
  ES_ASSERT_OK(run_to_head(picky));
  ES_ASSERT_OK(store().append("b", ExpectedVersion::any(), make_events(1)));  // parked behind too

  // Marked while still broken: redelivery fails again and the letters stay, with the new error.
  auto marked = letters().retry("mailer", "b");
  ES_ASSERT_OK(marked);
  EXPECT_EQ(*marked, 4U);
  ES_ASSERT_OK(run_to_head(picky));
  auto still = letters().list("mailer");
  ES_ASSERT_OK(still);
  ASSERT_EQ(still->size(), 5U);
  EXPECT_FALSE((*still)[0].redeliver);
  EXPECT_EQ((*still)[0].attempts, 6U);
  EXPECT_TRUE((*still)[1].redeliver) << "behind a letter that failed again: not tried";

  picky.fix();
  ES_ASSERT_OK(letters().retry("mailer"));
  ES_ASSERT_OK(run_to_head(picky));
  EXPECT_EQ(picky.handled().at("b"), versions(1, 6)) << "redelivered in order";
  EXPECT_EQ(letters().count("mailer").value_or(99), 0U);

  ES_ASSERT_OK(store().append("b", ExpectedVersion::any(), make_events(1)));
  ES_ASSERT_OK(run_to_head(picky));
  EXPECT_EQ(picky.handled().at("b"), versions(1, 7)) << "the stream flows again";
}

TEST_P(DeadLetterTest, ARunningSubscriptionRedeliversLettersMarkedWhileItIsLive) {
  append_interleaved();
  Picky picky("b", 2);
  std::promise<void> redelivered;
  std::atomic<bool> fixed{false};
  SubscriptionOptions options{.name = "mailer",
                              .checkpoints = &checkpoints(),
                              .dead_letters = letters_.get(),
                              .retry = kQuickRetry};
  auto sub = Subscription::start(store(), options, [&](const RecordedEvent& e) {
    Status status = picky.handle(e);
    if (status.is_ok() && fixed && e.stream == "b" && e.version == 5) redelivered.set_value();
    return status;
  });
  ES_ASSERT_OK(sub);
  ASSERT_TRUE(sub->wait_for(head(), kPatience));
  EXPECT_EQ(letters().count("mailer").value_or(0), 4U);

  picky.fix();
  fixed = true;
  ES_ASSERT_OK(letters().retry("mailer", "b"));
  ASSERT_EQ(redelivered.get_future().wait_for(kPatience), std::future_status::ready);
  ES_ASSERT_OK(sub->stop());
  EXPECT_EQ(picky.handled().at("b"), versions(1, 5));
  EXPECT_EQ(letters().count("mailer").value_or(99), 0U);
}

TEST_P(DeadLetterTest, DiscardForgetsAStreamsLettersAndItsLaterEventsFlowAgain) {
  append_interleaved();
  Picky picky("b", 2);
  ES_ASSERT_OK(run_to_head(picky));
  auto other = letters().discard("mailer", "a");
  ES_ASSERT_OK(other);
  EXPECT_EQ(*other, 0U);
  auto discarded = letters().discard("mailer", "b");
  ES_ASSERT_OK(discarded);
  EXPECT_EQ(*discarded, 4U);
  EXPECT_EQ(letters().count().value_or(99), 0U);

  picky.fix();
  ES_ASSERT_OK(store().append("b", ExpectedVersion::any(), make_events(1)));
  ES_ASSERT_OK(run_to_head(picky));
  EXPECT_EQ(picky.handled().at("b"), (std::vector<std::int64_t>{1, 6}));
}

TEST_P(DeadLetterTest, ParkingIsIdempotentSoARedeliveredPageParksNothingTwice) {
  const DeadLetter letter{.subscription = "mailer",
                          .stream = "b",
                          .version = 2,
                          .position = head(),
                          .type = "test.Happened",
                          .error = "boom",
                          .attempts = 3,
                          .parked_at = now()};
  ES_ASSERT_OK(letters().park(letter));
  ES_ASSERT_OK(letters().park(letter));
  EXPECT_EQ(letters().count("mailer").value_or(99), 1U);
  EXPECT_EQ(letters().park({}).code(), StatusCode::kInvalidArgument);
}

TEST_P(DeadLetterTest, OptionsNeedANameAPlainHandlerAndAtLeastOneAttempt) {
  auto ok = [](const RecordedEvent&) { return Status::ok(); };
  EXPECT_EQ(Subscription::start(store(), {.dead_letters = letters_.get()}, ok).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Subscription::start_batched(
          store(), {.name = "n", .checkpoints = &checkpoints(), .dead_letters = letters_.get()},
          [](const Batch&) { return Status::ok(); })
          .error()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(Subscription::start(store(), {.retry = {.max_attempts = 0}}, ok).error().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(DeadLetterTest, TheExactlyOnceRunnerParksInItsTransactionsAndARetryEqualsARebuild) {
  append_ledger_events(store(), 600);
  const auto stored = read_everything(store());
  const RecordedEvent& failing = stored[123];  // a deposit or withdrawal
  ASSERT_NE(failing.type, "ledger.Audited");
  // The runner parks in the read model's own database (SQLite file or PostgreSQL schema);
  // this handle on it lists and marks the letters.
  const ReadModelPlace place = read_model();
  auto model_letters = letters_in(place);
  ASSERT_NE(model_letters, nullptr);
  const ProjectionOptions options{.page_size = 50,
                                  .stop_at_head = true,
                                  .dead_letters = model_letters.get(),
                                  .retry = kQuickRetry};
  const auto run = [&](const Projection<Tx>& projection) {
    auto running = run_exactly_once(projection, options);
    ES_ASSERT_OK(running);
    ASSERT_TRUE(running->wait_stopped(kPatience));
    ES_ASSERT_OK(running->status());
  };
  const Projection<Tx> broken = ledger_projection(failing.position);
  run(broken);

  // The read model holds every event but the failing stream's from the failing event on, which
  // are parked once each; the checkpoint is past them.
  const auto without_parked =
      expected_balances(store(), head(), {{failing.stream, failing.position}});
  EXPECT_EQ(balances_in(place), without_parked);
  auto parked = model_letters->list("ledger");
  ES_ASSERT_OK(parked);
  std::vector<Position> parked_positions;
  for (const DeadLetter& letter : *parked) parked_positions.push_back(letter.position);
  EXPECT_EQ(parked_positions, expected_letters(store(), failing, head()));
  ASSERT_FALSE(parked->empty());
  EXPECT_EQ(parked->front().attempts, 3U);
  EXPECT_NE(parked->front().error.find("ledger handler fails here"), std::string::npos);
  EXPECT_EQ(committed_in(place, "ledger"), std::optional<Position>(head()));

  // Redelivered while still broken: rolled back, the letters stay with the new attempts.
  ES_ASSERT_OK(model_letters->retry("ledger"));
  run(broken);
  auto kept = model_letters->list("ledger");
  ES_ASSERT_OK(kept);
  ASSERT_EQ(kept->size(), parked->size());
  EXPECT_EQ(kept->front().attempts, 6U);
  EXPECT_FALSE(kept->front().redeliver);
  EXPECT_EQ(balances_in(place), without_parked);

  ES_ASSERT_OK(model_letters->retry("ledger"));
  run(ledger_projection());
  EXPECT_EQ(model_letters->count("ledger").value_or(99), 0U);
  EXPECT_EQ(balances_in(place), expected_balances(store(), head())) << "each applied once";
  EXPECT_EQ(committed_in(place, "ledger"), std::optional<Position>(head()));
}

TEST_P(DeadLetterTest, AnEventBeforeItsStreamsLetterIsHandledNotParkedBehindIt) {
  // A run handled b's version 1 and parked version 2, then died before saving its checkpoint:
  // the next run gets both again.
  append_interleaved();
  const auto stored = read_everything(store());
  const RecordedEvent& second = stored[4];
  ASSERT_EQ(second.stream, "b");
  ASSERT_EQ(second.version, 2);
  ES_ASSERT_OK(letters().park(parked_letter(second)));
  Picky picky("b", 2);
  ES_ASSERT_OK(run_to_head(picky));
  EXPECT_EQ(picky.handled()["b"], versions(1, 1));
  auto parked = letters().list("mailer");
  ES_ASSERT_OK(parked);
  std::vector<std::int64_t> parked_versions;
  for (const DeadLetter& letter : *parked) {
    EXPECT_EQ(letter.stream, "b");
    parked_versions.push_back(letter.version);
  }
  EXPECT_EQ(parked_versions, versions(2, 5)) << "in position order, each once";
  EXPECT_EQ(picky.failures(), 0) << "the parked event itself was not handled again";
}

TEST_P(DeadLetterTest, AnEarlierEventParkedAfterItsStreamsLetterComesFirstEverywhere) {
  // As above, but b's version 1 now fails too: it is parked after version 2's letter.
  append_interleaved();
  const auto stored = read_everything(store());
  const RecordedEvent& first = stored[1];
  const RecordedEvent& second = stored[4];
  ASSERT_EQ(first.stream, "b");
  ASSERT_EQ(second.version, 2);
  ES_ASSERT_OK(letters().park(parked_letter(second)));
  Picky picky("b", 1);
  ES_ASSERT_OK(run_to_head(picky));
  EXPECT_TRUE(picky.handled()["b"].empty());
  auto parked = letters().list("mailer");
  ES_ASSERT_OK(parked);
  std::vector<std::int64_t> parked_versions;
  for (const DeadLetter& letter : *parked) parked_versions.push_back(letter.version);
  EXPECT_EQ(parked_versions, versions(1, 5)) << "listed in position order";
  EXPECT_EQ(parked->back().error, "parked behind " + first.position.to_string())
      << "later events wait behind the earliest letter";

  // Fixed and retried: delivered in position order.
  picky.fix();
  ES_ASSERT_OK(letters().retry("mailer"));
  ES_ASSERT_OK(run_to_head(picky));
  EXPECT_EQ(picky.handled()["b"], versions(1, 5));
  EXPECT_EQ(letters().count("mailer").value_or(99), 0U);
}

TEST_P(DeadLetterTest, ARebuildOfAnExactlyOnceProjectionWithLettersEqualsAFreshRun) {
  append_ledger_events(store(), 300);
  const auto stored = read_everything(store());
  const RecordedEvent& failing = stored[57];
  ASSERT_NE(failing.type, "ledger.Audited");
  const ReadModelPlace place = read_model();
  auto model_letters = letters_in(place);
  ASSERT_NE(model_letters, nullptr);
  const ProjectionOptions options{.page_size = 40,
                                  .stop_at_head = true,
                                  .dead_letters = model_letters.get(),
                                  .retry = kQuickRetry};
  const Projection<Tx> broken = ledger_projection(failing.position);
  const Projection<Tx> fixed = ledger_projection();
  auto running = run_exactly_once(broken, options);
  ES_ASSERT_OK(running);
  ASSERT_TRUE(running->wait_stopped(kPatience));
  ES_ASSERT_OK(running->status());
  ASSERT_GT(model_letters->count("ledger").value_or(0), 0U);

  // Fixed, then rebuilt: every event applied once, no letter left.
  ES_ASSERT_OK(rebuild_exactly_once(fixed, options));
  EXPECT_EQ(balances_in(place), expected_balances(store(), head()));
  EXPECT_EQ(model_letters->count("ledger").value_or(99), 0U);

  // Rebuilt while broken: what a fresh run of the broken projection gives, letters included.
  ES_ASSERT_OK(rebuild_exactly_once(broken, options));
  EXPECT_EQ(balances_in(place),
            expected_balances(store(), head(), {{failing.stream, failing.position}}));
  auto parked = model_letters->list("ledger");
  ES_ASSERT_OK(parked);
  std::vector<Position> parked_positions;
  for (const DeadLetter& letter : *parked) parked_positions.push_back(letter.position);
  EXPECT_EQ(parked_positions, expected_letters(store(), failing, head()));
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(DeadLetterTest);

}  // namespace
}  // namespace es::testing
