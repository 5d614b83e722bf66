// ChainAhead gives exactly the chain a writer computing alone gives, whether its thread is ahead
// of the writer, behind it, or never woke before the writer finished; and a Run ended early lets
// the next one start cleanly.
#include "store/chain_ahead.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace es::detail {
namespace {

// `count` events of one stream, each with its own payload.
class Events {
 public:
  explicit Events(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      data_.push_back(R"({"n":)" + std::to_string(i) + R"(,"note":")" + std::string(180, 'x') +
                      R"("})");
      ids_.push_back(Uuid::v7());
    }
  }
  [[nodiscard]] ChainFields fields(std::size_t i) const {
    return {.stream = "cart-7",
            .version = static_cast<std::int64_t>(i) + 11,
            .id = ids_[i],
            .type = "cart.ItemAdded",
            .data = data_[i],
            .metadata = "{}",
            .recorded_at_us = 1'767'225'600'000'000};
  }
  // The chain as one thread computes it.
  [[nodiscard]] std::vector<ChainHash> chain(const ChainHash& previous) const {
    std::vector<ChainHash> out;
    ChainHash h = previous;
    for (std::size_t i = 0; i < data_.size(); ++i) out.push_back(h = chain_hash(h, fields(i)));
    return out;
  }

 private:
  std::vector<std::string> data_;
  std::vector<Uuid> ids_;
};

ChainHash some_previous() {
  ChainHash h{};
  h.fill(0x5A);
  return h;
}

TEST(ChainAhead, GivesTheSingleThreadedChainForShortAndLongRequests) {
  ChainAhead ahead;
  for (const std::size_t count : {0U, 1U, 15U, 16U, 17U, 100U, 1000U}) {
    const Events events(count);
    const std::vector<ChainHash> expected = events.chain(some_previous());
    std::vector<ChainHash> got;
    {
      ChainAhead::Run run =
          ahead.start(some_previous(), count, [&](std::size_t i) { return events.fields(i); });
      for (std::size_t i = 0; i < count; ++i) got.push_back(run.next());
    }
    EXPECT_EQ(got, expected) << count << " events";
  }
}

// The writer takes every hash from the thread when the thread is done before the writer starts.
TEST(ChainAhead, TheThreadHashesAheadOfTheWriter) {
  constexpr std::size_t kCount = 200;
  const Events events(kCount);
  const std::thread::id writer = std::this_thread::get_id();
  std::atomic<std::size_t> by_thread{0};
  std::atomic<std::size_t> by_writer{0};
  ChainAhead ahead;
  ChainAhead::Run run = ahead.start(kChainStart, kCount, [&](std::size_t i) {
    (std::this_thread::get_id() == writer ? by_writer : by_thread).fetch_add(1);
    return events.fields(i);
  });
  while (by_thread.load() < kCount) std::this_thread::yield();
  const std::vector<ChainHash> expected = events.chain(kChainStart);
  for (std::size_t i = 0; i < kCount; ++i) EXPECT_EQ(run.next(), expected[i]) << i;
  EXPECT_EQ(by_writer.load(), 0U);
}

// A writer that hashes everything itself, because the thread is kept from hashing, gets the
// same chain; ending the Run stops the thread after the event it is on.
TEST(ChainAhead, TheWriterOvertakesAThreadThatIsBehind) {
  constexpr std::size_t kCount = 64;
  const Events events(kCount);
  const std::thread::id writer = std::this_thread::get_id();
  std::atomic<bool> release{false};
  std::atomic<bool> thread_waiting{false};
  std::vector<ChainHash> got;
  ChainAhead ahead;
  {
    ChainAhead::Run run = ahead.start(kChainStart, kCount, [&](std::size_t i) {
      if (std::this_thread::get_id() != writer && i == 0) {
        thread_waiting.store(true);
        while (!release.load()) std::this_thread::yield();
      }
      return events.fields(i);
    });
    while (!thread_waiting.load()) std::this_thread::yield();
    for (std::size_t i = 0; i < kCount; ++i) got.push_back(run.next());
    release.store(true);
  }
  EXPECT_EQ(got, events.chain(kChainStart));
}

// Runs ended after a few events (an insert failed) leave the thread ready for the next Run.
TEST(ChainAhead, ARunEndedEarlyLetsTheNextOneStart) {
  const Events events(300);
  const std::vector<ChainHash> expected = events.chain(some_previous());
  ChainAhead ahead;
  for (std::size_t taken = 0; taken < 300; taken += 7) {
    ChainAhead::Run run =
        ahead.start(some_previous(), 300, [&](std::size_t i) { return events.fields(i); });
    for (std::size_t i = 0; i < taken; ++i) ASSERT_EQ(run.next(), expected[i]) << taken;
  }
}

}  // namespace
}  // namespace es::detail
