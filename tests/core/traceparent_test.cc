#include "es/core/traceparent.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace es {
namespace {

constexpr std::string_view kExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(Traceparent, ParsesTheSpecificationsExampleAndWritesItBack) {
  auto parsed = Traceparent::parse(kExample);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(parsed->span_id_hex(), "00f067aa0ba902b7");
  EXPECT_EQ(parsed->flags, 1);
  EXPECT_EQ(parsed->to_string(), kExample);
}

TEST(Traceparent, RefusesWhatAReceiverMustRefuse) {
  for (const std::string_view bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",       // no flags
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero span id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // 00 has no more fields
           "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",   // fields need a '-'
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
       }) {
    EXPECT_FALSE(Traceparent::parse(bad).has_value()) << bad;
  }
}

TEST(Traceparent, ALaterVersionMayCarryMoreFields) {
  auto parsed = Traceparent::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->flags, 0);
  EXPECT_EQ(parsed->to_string(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
}

TEST(Traceparent, AChildKeepsTheTraceAndFlagsWithANewSpan) {
  const Traceparent parent = *Traceparent::parse(kExample);
  std::set<std::string> spans;
  for (int i = 0; i < 100; ++i) {
    const Traceparent child = parent.child();
    EXPECT_EQ(child.trace_id, parent.trace_id);
    EXPECT_EQ(child.flags, parent.flags);
    EXPECT_NE(child.span_id, parent.span_id);
    spans.insert(child.span_id_hex());
  }
  EXPECT_EQ(spans.size(), 100U);
}

TEST(Traceparent, ARootIsValidAndSampled) {
  const Traceparent root = Traceparent::root();
  auto again = Traceparent::parse(root.to_string());
  ASSERT_TRUE(again.has_value()) << root.to_string();
  EXPECT_EQ(again->trace_id, root.trace_id);
  EXPECT_EQ(root.flags, 1);
  EXPECT_NE(Traceparent::root().trace_id, root.trace_id);
}

}  // namespace
}  // namespace es
