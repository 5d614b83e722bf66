// Consumer groups on every backend: the stable stream hash, option validation, and members that
// together deliver each event exactly once while each advances its own checkpoint to the head.
#include "es/projection/consumer_group.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "es/projection/runner.h"
#include "es/projection/subscription.h"
#include "projection/ledger.h"
#include "projection/projection_backends.h"

namespace es::testing {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kPatience{60'000};

TEST(StreamHash, IsFnv1a64OfTheStreamName) {
  // Test vectors of the FNV specification: the assignment of streams must never change.
  EXPECT_EQ(stream_hash(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(stream_hash("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(stream_hash("foobar"), 0x85944171f73967e8ULL);
}

TEST(ConsumerGroupOptions, RefusesNoMembersAndAMemberOutOfRange) {
  EXPECT_EQ(ConsumerGroup({.member = 0, .members = 0}).validate().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsumerGroup({.member = 3, .members = 3}).validate().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ConsumerGroup({.member = 2, .members = 3}).validate().is_ok());
  EXPECT_EQ(ConsumerGroup({.member = 2, .members = 3}).checkpoint_name("mail"), "mail/2-of-3");
}

class ConsumerGroupTest : public ProjectionTest {};

TEST_P(ConsumerGroupTest, MembersDeliverEachEventOnceInStreamOrderAndAdvanceTheirCheckpoints) {
  for (int i = 0; i < 30; ++i) {
    for (int stream = 0; stream < 12; ++stream) {
      ES_ASSERT_OK(store().append("order-" + std::to_string(stream), ExpectedVersion::any(),
                                  make_events(2)));
    }
  }
  auto head = store().head_position();
  ES_ASSERT_OK(head);

  constexpr std::uint32_t kMembers = 3;
  std::mutex mutex;
  std::map<std::string, std::vector<std::int64_t>> versions;  // per stream, in delivery order
  std::map<std::string, std::uint32_t> owner;
  std::vector<Subscription> members;
  for (std::uint32_t k = 0; k < kMembers; ++k) {
    SubscriptionOptions options{
        .name = "mail", .checkpoints = &checkpoints(), .page_size = 50, .stop_at_head = true};
    options.group = ConsumerGroup{.member = k, .members = kMembers};
    auto sub = Subscription::start(store(), options, [&, k](const RecordedEvent& e) {
      std::lock_guard lock(mutex);
      versions[e.stream].push_back(e.version);
      owner.emplace(e.stream, k);
      EXPECT_EQ(owner[e.stream], k) << e.stream << " went to two members";
      return Status::ok();
    });
    ES_ASSERT_OK(sub);
    members.push_back(std::move(*sub));
  }
  for (std::uint32_t k = 0; k < kMembers; ++k) {
    ASSERT_TRUE(members[k].wait_stopped(kPatience));
    ES_EXPECT_OK(members[k].status());
    auto saved = checkpoints().load("mail/" + std::to_string(k) + "-of-3");
    ES_ASSERT_OK(saved);
    EXPECT_EQ(*saved, std::optional<Position>(*head)) << "member " << k;
  }
  ASSERT_EQ(versions.size(), 12U);
  for (const auto& [stream, delivered] : versions) {
    std::vector<std::int64_t> in_order(60);
    for (std::size_t i = 0; i < in_order.size(); ++i)
      in_order[i] = static_cast<std::int64_t>(i) + 1;
    EXPECT_EQ(delivered, in_order) << stream;
    EXPECT_EQ(owner[stream], stream_hash(stream) % kMembers) << stream;
  }
}

TEST_P(ConsumerGroupTest, RunnersRefuseAnInvalidGroupAndRebuildsRefuseAnyGroup) {
  const Projection<> empty("empty");
  const ProjectionOptions bad{.group = ConsumerGroup{.member = 1, .members = 1}};
  EXPECT_EQ(run_projection(store(), checkpoints(), empty, bad).error().code(),
            StatusCode::kInvalidArgument);
  auto sub = Subscription::start(store(), {.group = ConsumerGroup{.member = 0, .members = 0}},
                                 [](const RecordedEvent&) { return Status::ok(); });
  EXPECT_EQ(sub.error().code(), StatusCode::kInvalidArgument);
  const ProjectionOptions member{.group = ConsumerGroup{.member = 0, .members = 2}};
  EXPECT_EQ(rebuild_projection(store(), checkpoints(), empty, member).code(),
            StatusCode::kInvalidArgument);
  const Projection<Tx> ledger = ledger_projection();
  EXPECT_EQ(run_sqlite_projection(store(), dir_.file("model.db"), ledger, bad).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(rebuild_sqlite_projection(store(), dir_.file("model.db"), ledger, member).code(),
            StatusCode::kInvalidArgument);
}

ES_INSTANTIATE_FOR_EVERY_BACKEND(ConsumerGroupTest);

}  // namespace
}  // namespace es::testing
