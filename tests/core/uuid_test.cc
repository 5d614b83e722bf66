#include "es/core/uuid.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace es {
namespace {

std::uint64_t unix_millis_of(const Uuid& id) {
  std::uint64_t ms = 0;
  for (std::size_t i = 0; i < 6; ++i) ms = ms << 8 | id.bytes()[i];
  return ms;
}

TEST(Uuid, DefaultIsNil) {
  const Uuid nil;
  EXPECT_TRUE(nil.is_nil());
  EXPECT_EQ(nil.to_string(), "00000000-0000-0000-0000-000000000000");
  EXPECT_FALSE(Uuid::v7().is_nil());
}

TEST(Uuid, V7SetsVersionAndVariantBits) {
  for (int i = 0; i < 1000; ++i) {
    const Uuid id = Uuid::v7();
    EXPECT_EQ(id.bytes()[6] >> 4, 0x7) << id.to_string();
    EXPECT_EQ(id.bytes()[8] >> 6, 0b10) << id.to_string();
    const std::string text = id.to_string();
    EXPECT_EQ(text[14], '7');
    EXPECT_NE(std::string("89ab").find(text[19]), std::string::npos) << text;
  }
}

TEST(Uuid, V7CarriesTheCurrentUnixMillisecond) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  using std::chrono::system_clock;
  const auto before = static_cast<std::uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  const Uuid id = Uuid::v7();
  const auto after = static_cast<std::uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  // The counter may carry into the millisecond field under a burst, never backwards.
  EXPECT_GE(unix_millis_of(id), before);
  EXPECT_LE(unix_millis_of(id), after + 1000);
}

TEST(Uuid, V7IsStrictlyIncreasingWithinAThread) {
  Uuid previous = Uuid::v7();
  for (int i = 0; i < 100'000; ++i) {
    const Uuid next = Uuid::v7();
    ASSERT_LT(previous, next) << previous.to_string() << " then " << next.to_string();
    previous = next;
  }
}

TEST(Uuid, V7IsStrictlyIncreasingAndUniqueAcrossThreads) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20'000;
  std::vector<std::vector<Uuid>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      auto& mine = made[static_cast<std::size_t>(t)];
      mine.reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) mine.push_back(Uuid::v7());
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<Uuid> all;
  for (const auto& mine : made) {
    // Each thread sees its own ids strictly increasing...
    EXPECT_TRUE(std::adjacent_find(mine.begin(), mine.end(), [](const Uuid& a, const Uuid& b) {
                  return !(a < b);
                }) == mine.end());
    all.insert(all.end(), mine.begin(), mine.end());
  }
  // ...and no id was handed out twice.
  std::sort(all.begin(), all.end());
  EXPECT_TRUE(std::adjacent_find(all.begin(), all.end()) == all.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(Uuid, ToStringIsLowerCaseCanonical) {
  Uuid::Bytes bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(0xA0 + i);
  EXPECT_EQ(Uuid(bytes).to_string(), "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf");
}

TEST(Uuid, ParseRoundTripsToString) {
  for (int i = 0; i < 100; ++i) {
    const Uuid id = Uuid::v7();
    auto parsed = Uuid::parse(id.to_string());
    ASSERT_TRUE(parsed.has_value()) << parsed.error().to_string();
    EXPECT_EQ(*parsed, id);
  }
  auto nil = Uuid::parse("00000000-0000-0000-0000-000000000000");
  ASSERT_TRUE(nil.has_value());
  EXPECT_TRUE(nil->is_nil());
}

TEST(Uuid, ParseAcceptsUpperCase) {
  auto parsed = Uuid::parse("0190B6E4-6F1A-7C3D-9A41-1B2C3D4E5F60");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->to_string(), "0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f60");
}

TEST(Uuid, ParseRejectsMalformedText) {
  for (const char* text : {
           "",
           "0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f6",    // short
           "0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f600",  // long
           "0190b6e46f1a7c3d9a411b2c3d4e5f60",       // no dashes
           "0190b6e4_6f1a-7c3d-9a41-1b2c3d4e5f60",   // wrong separator
           "0190b6e4-6f1a-7c3d-9a411-b2c3d4e5f60",   // dash misplaced
           "0190b6g4-6f1a-7c3d-9a41-1b2c3d4e5f60",   // not hex
           "{0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f6}",  // braces
           " 0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f6",   // leading space
       }) {
    auto parsed = Uuid::parse(text);
    ASSERT_FALSE(parsed.has_value()) << "'" << text << "'";
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message().find("UUID"), std::string_view::npos);
  }
}

TEST(Uuid, OrdersAsBytes) {
  Uuid::Bytes low{};
  Uuid::Bytes high{};
  high[0] = 1;
  EXPECT_LT(Uuid(low), Uuid(high));
  std::set<Uuid> ids{Uuid(high), Uuid(low)};
  EXPECT_EQ(*ids.begin(), Uuid(low));
}

}  // namespace
}  // namespace es
